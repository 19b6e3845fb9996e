"""The `stplan` command: works on a fresh install, with no database set up."""

import argparse
import json
import sys
import unicodedata
from collections.abc import Sequence

from stplan.eligibility import labels
from stplan.eligibility.engine import Result, check_batch
from stplan.eligibility.guide import Direction, Guide, GuideDataError, load_guide_data
from stplan.eligibility.interchange import InputError, read_batch_file
from stplan.integrity import engine
from stplan.integrity.interchange import read_collection

EXIT_INPUT_ERROR = 2


class ChineseArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:
        self.print_usage(sys.stderr)
        self.exit(EXIT_INPUT_ERROR, f"stplan：参数错误：{message}\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = ChineseArgumentParser(prog="stplan", description="科技计划项目管理系统命令行工具")
    commands = parser.add_subparsers(dest="command", required=True, metavar="命令")

    check = commands.add_parser("check", help="按申报指南对申报数据做形式审查（自动部分）")
    check.add_argument("file", help="申报数据交换格式 v1 的 JSON 文件")
    check.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    check.add_argument("--guide", help="申报指南（默认取文件中的 guide，否则 guilin-2022）")

    guide = commands.add_parser("guide", help="列出申报指南的方向")
    guide.add_argument("slug", help="申报指南，如 guilin-2022")
    guide.add_argument("--json", action="store_true", help="以 JSON 输出")

    similar = commands.add_parser("similar", help="查重：找出文本相同或改写的申报（疑似重复申报）")
    similar.add_argument("file", help="申报数据交换格式 v1 的 JSON 文件：要查重的申报")
    similar.add_argument(
        "--against", nargs="+", default=[], metavar="FILE", help="用作比对库的其他文件（如往年申报）"
    )
    similar.add_argument(
        "--threshold",
        type=_threshold,
        default=engine.DEFAULT_THRESHOLD,
        help=f"相似度阈值，0到1之间（默认 {engine.DEFAULT_THRESHOLD}）",
    )
    similar.add_argument("--json", action="store_true", help="以 JSON 输出结果")

    args = parser.parse_args(argv)
    if args.command == "check":
        return _check(args.file, as_json=args.json, guide_slug=args.guide)
    if args.command == "similar":
        return _similar(args.file, against=args.against, threshold=args.threshold, as_json=args.json)
    return _guide(args.slug, as_json=args.json)


def _threshold(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"阈值应为大于0、不大于1的数，而不是 {raw!r}")
    return value


def _similar(path: str, *, against: list[str], threshold: float, as_json: bool) -> int:
    try:
        collection = read_collection(path, against=against)
    except InputError as exc:
        print("申报数据有误，未进行查重：", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_INPUT_ERROR
    pairs = engine.Corpus(collection.documents, ignore=collection.guides).pairs(
        threshold=threshold, subjects=range(collection.examined)
    )
    if as_json:
        result = {
            "threshold": threshold,
            "pairs": [
                {"a": p.a, "b": p.b, "similarity": p.similarity, "shared": list(p.shared)} for p in pairs
            ],
        }
        json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(_pairs_table(pairs, threshold))
    return 0


def _pairs_table(pairs: list[engine.Pair], threshold: float) -> str:
    lines = [" ".join([_pad("相似度", 8), _pad("申报", 14), "相似的申报"])]
    for pair in pairs:
        lines.append(" ".join([_pad(f"{pair.similarity:.0%}", 8), _pad(pair.a, 14), pair.b]))
        lines.extend(f"    相同段落：{' '.join(passage.split())}" for passage in pair.shared)
    lines.append(f"共{len(pairs)}对疑似重复（相似度不低于{threshold:.0%}）。")
    return "\n".join(lines) + "\n"


def _check(path: str, *, as_json: bool, guide_slug: str | None) -> int:
    try:
        batch = read_batch_file(path, guide_slug=guide_slug)
    except InputError as exc:
        print("申报数据有误，未进行审查：", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_INPUT_ERROR
    results = check_batch(batch.applications, batch.guide)
    if as_json:
        json.dump([r.as_dict() for r in results], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(_results_table(results, batch))
    return 0


def _guide(slug: str, *, as_json: bool) -> int:
    try:
        guide = load_guide_data(slug)
    except GuideDataError as exc:
        print(f"stplan：{exc}", file=sys.stderr)
        return EXIT_INPUT_ERROR
    if as_json:
        json.dump(
            [direction_summary(d, guide) for d in guide.directions], sys.stdout, ensure_ascii=False, indent=2
        )
        sys.stdout.write("\n")
    else:
        sys.stdout.write(_guide_table(guide))
    return 0


def direction_summary(direction: Direction, guide: Guide) -> dict:
    category = guide.category(direction)
    return {
        "number": direction.number,
        "title": direction.title,
        "programme": direction.programme,
        "category": direction.category,
        "category_max_projects": category.max_projects,
        "section": direction.section,
        "years": direction.duration_years,
        "quota": direction.quota_count if direction.quota.kind != "unlimited" else None,
        "quota_kind": direction.quota.kind,
        "amount_max": direction.amount_max,
        "amount_kind": direction.amount.kind,
        "funding_mode": direction.funding_mode,
        "funding_mode_label": labels.FUNDING_MODES[direction.funding_mode],
        "accepts_applications": direction.accepts_applications,
        "novelty_exempt": direction.novelty_exempt,
        "tracks": {code: track.model_dump() for code, track in direction.tracks.items()},
    }


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _results_table(results: list[Result], batch) -> str:
    lines = []
    header = [_pad("申报编号", 14), _pad("方向", 6), _pad("结论", 8), "可资助上限"]
    lines.append(" ".join(header))
    for app, result in zip(batch.applications, results, strict=True):
        verdict = "符合" if result.eligible else "不符合"
        lines.append(
            " ".join(
                [
                    _pad(result.id, 14),
                    _pad(str(app.direction), 6),
                    _pad(verdict, 8),
                    labels.yuan(result.fundable_max),
                ]
            )
        )
        for finding in result.findings:
            severity = labels.SEVERITIES[finding.severity]
            lines.append(f"    [{severity}] {finding.message}（{finding.clause}）")
    eligible = sum(r.eligible for r in results)
    lines.append(f"共{len(results)}项申报：符合{eligible}项，不符合{len(results) - eligible}项。")
    return "\n".join(lines) + "\n"


def _guide_table(guide: Guide) -> str:
    lines = [guide.title]
    programme = None
    for d in guide.directions:
        if d.programme != programme:
            programme = d.programme
            lines.append(f"\n【{programme}】")
        quota = d.quota_label
        amount = labels.yuan(d.amount_max) if d.amount_max else "—"
        lines.append(
            f"方向{d.number:<3}{_pad(d.title, 44)} {_pad(d.section, 22)} {d.duration_years}年 "
            f"{_pad(labels.FUNDING_MODES[d.funding_mode], 20)} 拟立项{_pad(quota, 10)} 上限{amount}"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
