"""The similarity engine on its own: no database, texts in, pairs out."""

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from stplan import settings as stplan_settings
from stplan.eligibility.guide import guide_text
from stplan.integrity import engine
from stplan.integrity.engine import Corpus, Document, shared_spans, similar_pairs, similarity

BASE = [
    "罗汉果甜苷绿色提取与高值化利用关键技术研究",
    "针对永福县罗汉果加工企业提取得率低、能耗高、产品同质化的问题，本项目拟采用膜分离与大孔树脂联用工艺开展系统研究。",
    "以鲜果和干果为原料，比较微波辅助提取、超声波提取和酶解法对甜苷V得率和纯度的影响，确定最优工艺参数。",
    "建设年处理鲜果两千吨的示范生产线一条，甜苷V纯度达到百分之六十以上，综合能耗下降百分之二十。",
    "开发罗汉果低糖饮料、代糖颗粒和果渣膳食纤维三个新产品，申请发明专利两件，制定企业标准一项。",
    "联合桂林医学院和永福县农业农村局组建研发团队，培养技术骨干十名，带动周边种植户三百户增收。",
]
# A different project of the same 方向: the same field's words, not the same text.
SAME_FIELD = [
    "桂花精油超临界萃取与桂花茶深加工技术研究",
    "针对桂林桂花产业鲜花利用率低、精油得率不高的问题，本项目拟采用超临界二氧化碳萃取工艺开展研究。",
    "比较不同采收期和预处理方式对桂花精油香气成分的影响，利用气相色谱质谱联用解析主要呈香物质。",
    "建设桂花精油中试生产线一条，年加工鲜花五百吨，精油得率提高百分之十五以上。",
    "开发桂花纯露、桂花面霜和桂花茶三个新产品，申请发明专利一件，发表论文两篇。",
]
SYNONYMS = {
    "研究": "研发",
    "开展": "进行",
    "建设": "建立",
    "开发": "研制",
    "问题": "难题",
    "申请": "申报",
    "比较": "对比",
}

letters = st.text(
    alphabet=st.sampled_from("罗汉果甜苷提取工艺研究示范推广桂林永福abcXYZ0123456789，。；、 "),
    min_size=1,
    max_size=300,
).filter(lambda t: engine.normalized(t))


# No deadline: each example builds a collection; timing is the benchmark's business.
@settings(deadline=None)
@given(letters)
def test_similarity_a_text_is_its_own_duplicate(text):
    assert similarity(text, text) == 1.0
    [pair] = similar_pairs([Document("a", text), Document("b", text)], threshold=1.0)
    assert (pair.a, pair.b, pair.similarity) == ("a", "b", 1.0)


@settings(deadline=None)
@given(letters, letters)
def test_similarity_order_of_a_pair_does_not_matter(first, second):
    assert similarity(first, second) == similarity(second, first)
    forward = similar_pairs([Document("a", first), Document("b", second)], threshold=0.01)
    backward = similar_pairs([Document("b", second), Document("a", first)], threshold=0.01)
    assert [p.similarity for p in forward] == [p.similarity for p in backward]


@settings(max_examples=60, deadline=None)
@given(st.randoms(use_true_random=False), st.sets(st.sampled_from(sorted(SYNONYMS))), st.booleans())
def test_similarity_light_rewrite_scores_above_a_different_project_of_the_same_field(rng, swapped, retitle):
    body = BASE[1:]
    rng.shuffle(body)
    rewritten = [("罗汉果甜苷提取纯化技术集成与示范" if retitle else BASE[0]), *body]
    text = "\n".join(rewritten)
    for word in swapped:
        text = text.replace(word, SYNONYMS[word])
    original = "\n".join(BASE)
    rewrite_score = similarity(original, text)
    other_score = similarity(original, "\n".join(SAME_FIELD))
    assert rewrite_score > other_score
    assert rewrite_score >= engine.DEFAULT_THRESHOLD > other_score


def test_similarity_ignores_case_width_spaces_and_punctuation():
    assert similarity("ＡＢＣ１２３４ 罗汉果，甜苷。", "abc1234罗汉果甜苷") == 1.0


def test_similarity_of_an_empty_text_is_nothing():
    assert similarity("，。！", "，。！") == 0.0
    assert similar_pairs([Document("a", "……"), Document("b", "……")], threshold=0.01) == []


def test_similarity_leaves_the_guides_own_words_out():
    guide = guide_text("guilin-2022")
    quoted = guide[2000:2600]
    first = "罗汉果甜苷提取工艺优化。" + quoted
    second = "桂花精油中试生产线建设。" + quoted
    assert similarity(first, second) > 0.8
    assert similarity(first, second, ignore=[guide]) < 0.2


def test_similarity_counts_a_text_merged_into_another_as_copied():
    merged = "\n".join(BASE + SAME_FIELD)
    assert similarity("\n".join(BASE), merged) >= 0.9
    assert similarity("\n".join(BASE), "\n".join(SAME_FIELD)) < engine.DEFAULT_THRESHOLD


def test_corpus_drops_the_boilerplate_of_a_large_collection():
    rng = random.Random(1)
    boilerplate = (
        "本项目严格遵守科研诚信要求，项目负责人承诺所填内容真实有效，无重复申报、多头申报情况。"
        "申报单位承诺按照国家和自治区有关规定管理和使用财政科研经费，接受财政、审计和科技部门的监督检查。"
        "项目实施期间如发生重大事项变更，将及时向市科技局书面报告并按程序办理变更手续。"
    )
    pool = (
        "安宝北博长成城诚创达大德鼎东都恩发丰福富高光广国海行和恒弘宏华辉汇佳嘉建健江金锦晶精景久聚君凯康科"
    )
    texts = ["".join(rng.choices(pool, k=100)) + boilerplate for _ in range(engine.COMMON_MIN_TEXTS + 10)]
    documents = [Document(str(n), t) for n, t in enumerate(texts)]
    assert similar_pairs(documents) == []
    # Two texts alone have no collection to tell boilerplate by: the same words are a copy.
    assert similarity(texts[0], texts[1]) >= engine.DEFAULT_THRESHOLD


def test_corpus_pairs_are_the_brute_force_pairs_above_the_threshold():
    rng = random.Random(7)
    pool = "安宝北博长成城诚创达大德鼎东都恩发丰福富高光广国海行和恒弘宏华辉汇佳嘉建健江金锦晶精景久聚君凯康科力立利联良林隆龙麦茂美蒙"
    originals = ["".join(rng.choices(pool, k=rng.randint(150, 400))) for _ in range(150)]
    copies = []
    for text in originals[:40]:
        cut = rng.randint(0, len(text) // 3)
        copies.append(text[cut:] + "".join(rng.choices(pool, k=rng.randint(0, 200))))
    documents = [Document(str(n), t) for n, t in enumerate(originals + copies)]
    corpus = Corpus(documents)
    found = {(p.a, p.b): p.similarity for p in corpus.pairs(threshold=0.4)}
    brute = {}
    for i in range(len(documents)):
        for j in range(i + 1, len(documents)):
            score = corpus.score(i, j)[0]
            if score >= 0.4:
                brute[(str(i), str(j))] = round(score, 4)
    assert found == brute
    assert len(found) >= 30


def test_corpus_pairs_only_those_with_a_subject():
    documents = [
        Document("a", "\n".join(BASE)),
        Document("b", "\n".join(BASE)),
        Document("c", "\n".join(BASE)),
    ]
    pairs = Corpus(documents).pairs(subjects=[2])
    assert [(p.a, p.b) for p in pairs] == [("a", "c"), ("b", "c")]


def test_shared_spans_are_offsets_in_each_original_text():
    first = "甲：罗汉果甜苷提取纯化生产线一条。乙"
    second = "另有内容，罗汉果甜苷提取纯化生产线一条"
    a_spans, b_spans = shared_spans(first, second)
    assert [first[s:e] for s, e in a_spans] == ["罗汉果甜苷提取纯化生产线一条"]
    assert [second[s:e] for s, e in b_spans] == ["罗汉果甜苷提取纯化生产线一条"]


def test_shared_spans_leave_out_short_chance_matches():
    assert shared_spans("罗汉果研究", "罗汉果种植") == ((), ())


def test_similarity_threshold_setting_defaults_to_the_measured_one():
    assert stplan_settings.STPLAN_SIMILARITY_THRESHOLD == engine.DEFAULT_THRESHOLD
