"""查重 at scale: N synthetic 申报书 texts with planted near-duplicates of every kind.

    .venv/bin/python benchmarks/similar.py [--n 100000] [--seed 1] [--threshold 0.5] [--sample 3000]

The texts are written like the 2022 guide's applications: a title, a 摘要, 研究内容 and
考核指标 built from one 方向's vocabulary, quoting that 方向's own 研究内容 from the guide (as
applicants do), with the phrasing every 申报书 shares. 5% of them are planted copies of another
text, one kind each: retitled, sentences reordered, words swapped, paragraphs added,
paragraphs cut, two texts merged, and a light rewrite doing several of these at once.

Prints the time to index and to find all pairs, peak memory, the planted pairs' recall, the
precision of what was reported (a reported pair is right when both texts come from one
planted family), the score distribution of planted pairs by kind and of unrelated pairs of
the same 方向, and, on a sample, the LSH's recall against an exact all-pairs computation.
"""

import argparse
import os
import platform
import random
import resource
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from scipy import sparse

from stplan.integrity import engine

GUIDE_TEXT = Path(__file__).resolve().parent.parent / "stplan/eligibility/data/guilin-2022.txt"

FIELDS = {
    "农业": [
        "罗汉果",
        "沙田柚",
        "砂糖橘",
        "荔浦芋",
        "恭城月柿",
        "灌阳雪梨",
        "桂花",
        "金槐",
        "白果",
        "茶叶",
        "香芋",
        "生猪",
        "稻渔综合种养",
    ],
    "医药": [
        "中药材",
        "罗汉果甜苷",
        "桂花多糖",
        "壮瑶药",
        "银杏叶提取物",
        "抗肿瘤新药",
        "医用敷料",
        "体外诊断试剂",
        "中药配方颗粒",
        "仿制药一致性",
    ],
    "电子": [
        "光纤传感器",
        "北斗终端",
        "智能电表",
        "射频芯片",
        "显示模组",
        "工业互联网网关",
        "边缘计算设备",
        "电磁兼容测试",
        "激光雷达",
        "毫米波天线",
    ],
    "制造": [
        "橡胶机械",
        "数控机床",
        "工业机器人",
        "液压元件",
        "汽车零部件",
        "轨道交通装备",
        "精密轴承",
        "增材制造",
        "焊接工艺",
        "复合材料构件",
    ],
    "环保": [
        "漓江水质",
        "喀斯特石漠化",
        "农村污水",
        "重金属污染土壤",
        "固体废弃物",
        "大气颗粒物",
        "湿地生态",
        "面源污染",
        "垃圾焚烧飞灰",
        "尾矿库",
    ],
    "旅游": [
        "山水景观",
        "智慧景区",
        "文旅融合",
        "游客流量",
        "民宿集群",
        "非遗技艺",
        "研学旅行",
        "康养旅游",
        "夜间经济",
        "数字博物馆",
    ],
    "医疗": [
        "脑卒中",
        "糖尿病足",
        "慢阻肺",
        "儿童哮喘",
        "乳腺癌",
        "肝细胞癌",
        "骨质疏松",
        "新生儿黄疸",
        "术后感染",
        "心力衰竭",
    ],
    "能源": [
        "锂离子电池",
        "光伏组件",
        "生物质燃料",
        "氢燃料电池",
        "储能系统",
        "充电桩",
        "风光互补",
        "余热回收",
        "智能微电网",
        "电池回收",
    ],
}
METHODS = [
    "高通量筛选",
    "分子标记辅助育种",
    "深度学习",
    "有限元仿真",
    "微波辅助提取",
    "超临界萃取",
    "物联网监测",
    "大数据分析",
    "随机对照试验",
    "多组学联合分析",
    "数字孪生",
    "精准施肥",
    "膜分离纯化",
    "低温等离子处理",
    "遥感反演",
    "知识图谱",
    "区块链溯源",
    "纳米包埋",
    "酶法改性",
    "机器视觉检测",
    "三维重建",
    "生物炭修复",
    "菌剂发酵",
    "热泵干燥",
]
OBJECTS = [
    "关键技术",
    "工艺参数",
    "生产线",
    "示范基地",
    "标准体系",
    "数据平台",
    "评价模型",
    "新产品",
    "装备样机",
    "诊疗方案",
    "监测网络",
    "种质资源圃",
    "中试平台",
    "技术规程",
    "预警系统",
    "质量控制体系",
]
QUALITIES = ["高效", "低成本", "绿色", "智能化", "规模化", "精准", "安全", "高值化", "轻量化", "标准化"]
PLACES = [
    "临桂区",
    "阳朔县",
    "灵川县",
    "全州县",
    "兴安县",
    "永福县",
    "灌阳县",
    "龙胜各族自治县",
    "资源县",
    "平乐县",
    "荔浦市",
    "恭城瑶族自治县",
    "雁山区",
    "七星区",
    "象山区",
    "叠彩区",
    "秀峰区",
]
SENTENCES = [
    "针对{n}产业中{q}程度不高、{o}缺乏的问题，本项目拟采用{m}方法开展系统研究。",
    "项目以{n}为研究对象，围绕{o}开展{m}等技术攻关，力争在{p}实现示范应用。",
    "通过{m}与{m2}相结合，明确影响{n}品质的主要因素，优化{o}，形成{q}的技术路线。",
    "在{p}建设{n}{o}1个，面积{k}亩，辐射带动周边农户和企业{k2}家。",
    "构建基于{m}的{n}{o}，实现数据实时采集、分析与预警，提升管理水平{k}%以上。",
    "开展{n}{m}试验{k}批次，筛选出适宜{p}推广的{q}{o}。",
    "研究{n}加工过程中的{o}，建立{q}生产工艺，产品合格率达到{k}%。",
    "联合{p}相关企业和科研院所组建研发团队，开展{n}{o}的集成与示范。",
    "项目实施后预计新增产值{k}万元，新增就业岗位{k2}个，经济社会效益显著。",
    "比较国内外{n}研究现状，本项目在{m}应用于{o}方面具有明显的创新性。",
    "完成{n}{o}的中试验证，形成可复制推广的{q}{m}应用模式。",
    "建立{n}样本库，收集样本{k}份，利用{m}解析其关键性状和作用机制。",
    "制定{n}{o}地方标准或团体标准{k3}项，为行业规范发展提供技术支撑。",
    "培养{n}领域专业技术人才{k3}名，举办技术培训{k2}期，培训人员{k}人次。",
    "优化{m2}条件，使{n}{o}的能耗降低{k}%，生产成本下降{k3}成。",
    "项目团队前期已在{n}{m}方面取得阶段性成果，具备良好的研究基础和条件。",
    "重点解决{t}在{n}应用中稳定性差、成本偏高的瓶颈，研制{t2}样机{k3}台套。",
    "以{t}为核心，集成{m}和{m2}，开发{n}{t2}系列产品，填补{p}相关领域空白。",
    "选育{t}新品种（系）{k3}个，在{p}推广种植{k}亩，亩均增收{k2}百元。",
    "阐明{t}调控{n}的分子机制，筛选关键靶点{k3}个，为{t2}研发奠定基础。",
    "建成{t}{o}，年处理能力达到{k}吨，出水（产品）指标优于国家标准。",
    "形成{t2}技术包，在{p}{k2}家企业推广应用，累计节约成本{k}万元。",
    "与{t}公司合作，完成{t2}的工程化验证和{k3}轮迭代优化。",
    "采集{p}{n}数据{k}条，构建{t}数据库和{t2}模型，准确率不低于{k2}%。",
]
INDICATORS = [
    "申请发明专利{k3}件，其中获授权{k3}件",
    "发表学术论文{k2}篇",
    "开发新产品{k3}个",
    "建立示范基地{k3}个",
    "制定技术标准{k3}项",
    "新增销售收入{k}万元",
    "培养研究生{k3}名",
    "形成软件著作权{k3}项",
]
SYNONYMS = {
    "研究": "研发",
    "开展": "进行",
    "建立": "建设",
    "提升": "提高",
    "关键": "核心",
    "问题": "难题",
    "实现": "达成",
    "形成": "构建",
    "优化": "改进",
    "明确": "阐明",
    "主要": "重要",
    "系统": "全面",
    "方法": "手段",
    "显著": "明显",
    "示范": "试点",
    "推广": "普及",
    "具有": "拥有",
    "良好": "扎实",
    "项目": "课题",
    "技术": "工艺",
    "采用": "运用",
    "相结合": "相融合",
    "筛选": "遴选",
    "集成": "整合",
    "降低": "减少",
    "预计": "预期",
    "收集": "采集",
}
COMMON_CHARACTERS = (
    "安宝北博长成城诚创达大德鼎东都恩发丰福富高光广国海行和恒弘宏华辉汇佳嘉建健江金锦晶精景久聚君凯康科"
    "力立利联良林隆龙麦茂美蒙民明铭南宁诺鹏平普奇启千强桥青庆然仁荣瑞润森善尚盛世仕顺泰特天通同万威维伟"
    "文翔祥欣新鑫信星兴雄秀旭轩雅亚扬耀业一益逸英盈永优裕元源远跃云泽展兆哲振正志致智中众卓紫宗"
)
KINDS = ["retitled", "reordered", "reworded", "extended", "cut", "merged", "rewritten"]


def guide_passages() -> dict[int, list[str]]:
    """The 研究内容 of each 方向 in the guide, cut into sentences."""
    passages: dict[int, list[str]] = defaultdict(list)
    number = 0
    for line in GUIDE_TEXT.read_text(encoding="utf-8").splitlines():
        if line.startswith("方向") and "：" in line:
            head = line[2 : line.index("：")]
            number = int(head) if head.isdigit() else number
        elif number and line.startswith(("研究内容：", "考核指标：")):
            passages[number] += [s + "。" for s in line.split("：", 1)[1].split("。") if len(s) > 8]
    return passages


class Writer:
    def __init__(self, rng: random.Random, passages: dict[int, list[str]]):
        self.rng = rng
        self.passages = passages
        self.directions = sorted(passages)

    def term(self) -> str:
        """A name of the project's own (a product, a variety, a device): what makes one
        project's text its own."""
        return "".join(self.rng.choices(COMMON_CHARACTERS, k=self.rng.randint(2, 4)))

    def sentence(self, nouns: list[str]) -> str:
        r = self.rng
        terms = nouns[3:] or nouns
        return r.choice(SENTENCES).format(
            t=r.choice(terms),
            t2=r.choice(terms),
            n=r.choice(nouns),
            m=r.choice(METHODS),
            m2=r.choice(METHODS),
            o=r.choice(OBJECTS),
            q=r.choice(QUALITIES),
            p=r.choice(PLACES),
            k=r.randint(10, 5000),
            k2=r.randint(2, 60),
            k3=r.randint(1, 9),
        )

    def application(self, direction: int) -> dict:
        r = self.rng
        field = list(FIELDS)[direction % len(FIELDS)]
        nouns = r.sample(FIELDS[field], 3) + [self.term() for _ in range(4)]
        title = f"{r.choice(QUALITIES)}{nouns[0]}{r.choice(METHODS)}{r.choice(OBJECTS)}研究与示范"
        quoted = r.sample(self.passages[direction], min(2, len(self.passages[direction])))
        summary = [self.sentence(nouns) for _ in range(r.randint(3, 5))]
        content = [*quoted, *(self.sentence(nouns) for _ in range(r.randint(8, 14)))]
        r.shuffle(content)
        indicators = [
            s.format(k=r.randint(50, 3000), k2=r.randint(2, 20), k3=r.randint(1, 6))
            for s in r.sample(INDICATORS, 4)
        ]
        return {
            "direction": direction,
            "title": title,
            "summary": summary,
            "content": content,
            "indicators": indicators,
            "nouns": nouns,
        }

    def planted(self, kind: str, base: dict, other: dict) -> dict:
        r = self.rng
        copy = {**base, "summary": list(base["summary"]), "content": list(base["content"])}
        if kind in ("retitled", "rewritten"):
            copy["title"] = (
                f"{r.choice(QUALITIES)}{r.choice(base['nouns'])}{r.choice(OBJECTS)}的集成创新与应用"
            )
        if kind in ("reordered", "rewritten"):
            r.shuffle(copy["summary"])
            r.shuffle(copy["content"])
        if kind in ("reworded", "rewritten"):
            share = 0.6 if kind == "reworded" else 0.4
            words = [w for w in SYNONYMS if r.random() < share]
            for part in ("summary", "content"):
                copy[part] = [_swap(s, words) for s in copy[part]]
        if kind == "extended":
            added = max(2, len(copy["content"]) // 2)
            copy["content"] += [self.sentence(base["nouns"]) for _ in range(added)]
        if kind in ("cut", "rewritten"):
            keep = 0.6 if kind == "cut" else 0.85
            copy["content"] = [s for s in copy["content"] if r.random() < keep] or copy["content"][:1]
        if kind == "merged":
            copy["title"] = f"{base['title']}及{other['nouns'][0]}应用"
            copy["summary"] = base["summary"] + other["summary"]
            copy["content"] = [s for s in base["content"] if r.random() < 0.85] + [
                s for s in other["content"] if r.random() < 0.85
            ]
        return copy


def _swap(sentence: str, words: list[str]) -> str:
    for word in words:
        sentence = sentence.replace(word, SYNONYMS[word])
    return sentence


def text(application: dict) -> str:
    return "\n".join(
        [
            application["title"],
            "".join(application["summary"]),
            "".join(application["content"]),
            "；".join(application["indicators"]),
        ]
    )


def generate(n: int, seed: int):
    rng = random.Random(seed)
    writer = Writer(rng, guide_passages())
    planted_count = n // 20
    originals = n - planted_count
    apps = [writer.application(rng.choice(writer.directions)) for _ in range(originals)]
    family = list(range(originals))
    planted: list[tuple[int, int, str]] = []
    merged_from: dict[int, int] = {}
    for index in range(planted_count):
        kind = KINDS[index % len(KINDS)]
        base = rng.randrange(originals)
        other = rng.randrange(originals)
        apps.append(writer.planted(kind, apps[base], apps[other]))
        position = len(apps) - 1
        family.append(family[base])
        planted.append((base, position, kind))
        if kind == "merged":
            merged_from[position] = other
            planted.append((other, position, kind))
    order = list(range(len(apps)))
    rng.shuffle(order)
    return apps, order, family, planted, merged_from


def related(i: int, j: int, family: list[int], merged_from: dict[int, int]) -> bool:
    """Both from one planted family: they share an original (a merge has two)."""

    def origins(k: int) -> set[int]:
        return {family[k], merged_from[k]} if k in merged_from else {family[k]}

    return bool(origins(i) & origins(j))


def exact_pairs(corpus: engine.Corpus, sample: list[int], threshold: float) -> set[tuple[int, int]]:
    """All pairs of the sample at or above the threshold, by exact set intersection."""
    sets = [corpus.sets[i] for i in sample]
    rows = np.repeat(np.arange(len(sets)), [len(s) for s in sets])
    values, columns = np.unique(np.concatenate(sets), return_inverse=True)
    incidence = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.int32), (rows, columns)), shape=(len(sets), len(values))
    )
    common = (incidence @ incidence.T).tocoo()
    sizes = np.array([len(s) for s in sets])
    found = set()
    for x, y, c in zip(common.row, common.col, common.data, strict=True):
        if x >= y:
            continue
        small = min(sizes[x], sizes[y])
        jaccard = c / (sizes[x] + sizes[y] - c)
        score = max(jaccard, c / small if small >= engine.CONTAINMENT_MIN else 0)
        if score >= threshold:
            i, j = sample[x], sample[y]
            found.add((min(i, j), max(i, j)))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threshold", type=float, default=engine.DEFAULT_THRESHOLD)
    parser.add_argument("--sample", type=int, default=3000)
    args = parser.parse_args()

    started = time.perf_counter()
    apps, order, family, planted, merged_from = generate(args.n, args.seed)
    # Positions in the corpus follow `order`, so that copies are not next to their originals.
    position_of = {app: position for position, app in enumerate(order)}
    documents = [engine.Document(str(app), text(apps[app])) for app in order]
    generated = time.perf_counter() - started
    chars = sum(len(d.text) for d in documents) / len(documents)
    print(
        f"{len(documents):,} texts generated in {generated:.1f} s (mean {chars:.0f} characters, {len(planted):,} planted pairs)"
    )
    print(f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}")

    started, cpu = time.perf_counter(), time.process_time()
    guide = GUIDE_TEXT.read_text(encoding="utf-8")
    corpus = engine.Corpus(documents, ignore=[guide])
    indexed, indexed_cpu = time.perf_counter() - started, time.process_time() - cpu
    started, cpu = time.perf_counter(), time.process_time()
    found = corpus.pairs(threshold=args.threshold)
    searched, searched_cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # CPU time beside wall time: the machine is shared, and other work stretches the wall clock.
    print(
        f"index: {indexed:.1f} s (CPU {indexed_cpu:.1f} s) · find all pairs: {searched:.1f} s (CPU {searched_cpu:.1f} s) · "
        f"total {indexed + searched:.1f} s (CPU {indexed_cpu + searched_cpu:.1f} s) · peak memory {peak:,.0f} MiB · "
        f"load average {os.getloadavg()[0]:.1f}"
    )

    reported = {(min(int(p.a), int(p.b)), max(int(p.a), int(p.b))) for p in found}
    planted_keys = {(min(a, b), max(a, b)) for a, b, _kind in planted}
    right = sum(related(a, b, family, merged_from) for a, b in reported)
    print(f"threshold {args.threshold}: {len(reported):,} pairs reported")
    print(
        f"planted recall: {len(planted_keys & reported) / len(planted_keys):.4f} ({len(planted_keys & reported):,}/{len(planted_keys):,})"
    )
    print(
        f"precision: {right / max(len(reported), 1):.4f} ({right:,}/{len(reported):,} reported pairs within a planted family)"
    )

    by_kind: dict[str, list[float]] = defaultdict(list)
    for a, b, kind in planted:
        by_kind[kind].append(corpus.score(position_of[a], position_of[b])[0])
    scored = [
        (min(a, b), max(a, b))
        for a, b, _kind in planted
        if corpus.score(position_of[a], position_of[b])[0] >= args.threshold
    ]
    print(
        f"planted pairs scoring at or above the threshold exactly: {len(scored):,}, found {sum(p in reported for p in scored):,}"
    )
    print("planted scores by kind (min / 5th percentile / median), recall:")
    for kind in KINDS:
        scores = np.array(by_kind[kind])
        hits = sum((min(a, b), max(a, b)) in reported for a, b, k in planted if k == kind)
        print(
            f"  {kind:10} {scores.min():.3f} / {np.percentile(scores, 5):.3f} / {np.median(scores):.3f}   {hits / len(scores):.4f}"
        )

    rng = random.Random(args.seed)
    sample = sorted(rng.sample(range(len(documents)), min(args.sample, len(documents))))
    started = time.perf_counter()
    exact = exact_pairs(corpus, sample, args.threshold)
    in_sample = set(sample)
    lsh = {(min(position_of[a], position_of[b]), max(position_of[a], position_of[b])) for a, b in reported}
    lsh_sample = {pair for pair in lsh if pair[0] in in_sample and pair[1] in in_sample}
    print(
        f"sample of {len(sample):,} texts, exact all-pairs in {time.perf_counter() - started:.1f} s: "
        f"{len(exact):,} pairs at or above the threshold, LSH recall {len(exact & lsh_sample) / max(len(exact), 1):.4f}, "
        f"LSH precision {len(exact & lsh_sample) / max(len(lsh_sample), 1):.4f}"
    )
    unrelated = _unrelated_scores(corpus, sample, order, apps, family, merged_from)
    print(
        f"unrelated pairs of the same 方向 in the sample ({len(unrelated):,}): max {unrelated.max():.3f}, "
        f"99.9th percentile {np.percentile(unrelated, 99.9):.3f}, median {np.median(unrelated):.3f}, "
        f"at or above the threshold {(unrelated >= args.threshold).sum()}"
    )


def _unrelated_scores(corpus, sample, order, apps, family, merged_from) -> np.ndarray:
    by_direction: dict[int, list[int]] = defaultdict(list)
    for position in sample:
        by_direction[apps[order[position]]["direction"]].append(position)
    scores = []
    for positions in by_direction.values():
        for x, i in enumerate(positions):
            for j in positions[x + 1 :]:
                if not related(order[i], order[j], family, merged_from):
                    scores.append(corpus.score(i, j)[0])
    return np.array(scores or [0.0])


if __name__ == "__main__":
    main()
