"""Every KPI once: its unit, how its numbers are written, its name, help and definition in English and Korean,
and the reasons it can be n/a. The CLI JSON (``viralscope.kpis``), ``analyze``'s summary, the dashboard and
the weekly report all read their KPI text and number formats from here.

Numbers are written by :func:`format_value` in two styles: exact (the ``display`` of the CLI JSON and of the
report: ``185,234 USD``, ``2.8 h``) and ``compact`` (the dashboard's cards: ``185K USD``, ``2.8 h``). Both write
durations past 90 minutes in hours (past 48 hours in days), money with its currency code after the number in
both languages, and every number with thousands separators. The
reasons themselves live in ``viralscope.core.reasons`` (the stages emit their codes); :func:`reason` says one
in a reader's language.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from viralscope.core import reasons

LANGUAGES = ("en", "ko")
#: What is shown for a value that is not known.
MISSING = "—"


@dataclass(frozen=True)
class Kpi:
    """One KPI: ``label``, ``help`` (plain language) and ``definition`` (the formula) as ``{lang: text}``;
    ``reasons`` the codes of ``viralscope.core.reasons`` it can be n/a with.

    ``better`` is set on a KPI that is a change against zero with an interval (a lift, a difference): ``"up"``
    when a rise is good news for the brand, ``"down"`` when it is bad news (more complaints, dearer customers).
    ``own_data`` marks a KPI computed from the configured brand's own business data (conversions, spend,
    campaigns), which says nothing about a competitor.
    """

    key: str
    unit: str
    label: dict
    help: dict
    definition: dict
    reasons: tuple[str, ...] = ()
    better: str | None = None
    own_data: bool = False


_LIFT_NA = ("no_mentions_window_or_baseline", "no_baseline_mentions", "base_too_small", "empty_period",
            "no_reference_events", "not_finite")
_BUSINESS_NA = ("own_brand_only", "no_conversion_data", "no_session_days_window", "few_baseline_days",
                "no_baseline_conversions", "baseline_campaign_days", "not_finite")
_RESPONSE_NA = ("no_brand_accounts", "no_brand_accounts_config", "no_competitor_accounts", "no_items",
                "items_not_final", "no_replies", "not_computable")
_DEPTH_NA = ("cascades_not_built", "no_roots_window")


#: The KPIs that are a change against zero with an interval, and which way is good news for the brand.
BETTER = {"mention_lift": "up", "positive_mention_lift": "up", "negative_mention_lift": "down",
          "perception_change": "up", "conversion_change": "up", "cac_change": "down",
          "incremental_conversions": "up", "viral_roi": "up"}
#: The KPIs computed from the configured brand's own business data (``import-conversions``, campaigns).
OWN_DATA = ("conversion_change", "cac_change", "incremental_conversions", "viral_roi")


def _kpi(key, unit, label, help_, definition, na=()) -> Kpi:
    return Kpi(key, unit, dict(zip(LANGUAGES, label, strict=True)), dict(zip(LANGUAGES, help_, strict=True)),
               dict(zip(LANGUAGES, definition, strict=True)), tuple(na), BETTER.get(key), key in OWN_DATA)


REGISTRY: dict[str, Kpi] = {k.key: k for k in (
    # -- the metrics stage's KPIs (``viralscope.kpis.compute``) ----------------------------------------------
    _kpi("mention_lift", "change", ("Mention lift", "멘션 증가율"),
         ("How much more (or less) the brand is talked about per day than in the comparison period before. "
          "+20% means a fifth more mentions a day.",
          "비교 기간보다 하루에 브랜드가 얼마나 더(또는 덜) 언급되는지. +20%는 하루 멘션이 5분의 1만큼 늘었다는 뜻."),
         ("mentions per day in the window ÷ mentions per day in the baseline − 1; 95% interval from Poisson "
          "counting plus the day-to-day variation and autocorrelation of the baseline's days (and of the 28 days "
          "before a baseline shorter than 14 days); n/a from a base under 10 mentions",
          "기간의 일평균 멘션 수 ÷ 비교 기간의 일평균 멘션 수 − 1. 95% 구간은 포아송 계수에 비교 기간의 일별 변동과 "
          "자기상관(14일보다 짧은 비교 기간이면 그 앞 28일의 변동)을 더한 것. 비교 기간 멘션이 10건 미만이면 해당 없음."),
         _LIFT_NA),
    _kpi("positive_mention_lift", "change", ("Positive mention lift", "긍정 멘션 증가율"),
         ("How much more (or less) people speak well of the brand per day than in the period before.",
          "이전 기간보다 하루에 브랜드를 좋게 말하는 멘션이 얼마나 늘었는지(또는 줄었는지)."),
         ("the mention lift of mentions labelled positive", "긍정으로 분류된 멘션의 멘션 증가율."),
         (*_LIFT_NA, "not_scored")),
    _kpi("negative_mention_lift", "change", ("Negative mention lift", "부정 멘션 증가율"),
         ("How much more (or less) people complain about the brand per day than in the period before.",
          "이전 기간보다 하루에 브랜드에 대한 부정 멘션이 얼마나 늘었는지(또는 줄었는지)."),
         ("the mention lift of mentions labelled negative", "부정으로 분류된 멘션의 멘션 증가율."),
         (*_LIFT_NA, "not_scored")),
    _kpi("net_sentiment", "score", ("Net sentiment", "순 감성"),
         ("The balance of praise and complaint, from −1 (all negative) to +1 (all positive).",
          "칭찬과 불만의 균형. −1(모두 부정)부터 +1(모두 긍정)까지."),
         ("(positive − negative) ÷ (positive + negative) in the window; Wilson interval",
          "기간 내 (긍정 − 부정) ÷ (긍정 + 부정). 윌슨 구간."),
         ("no_mentions_window", "no_polar_window", "not_scored")),
    _kpi("perception_change", "points", ("Net sentiment change", "순 감성 변화"),
         ("Whether the tone about the brand got warmer (+) or cooler (−) than in the comparison period before, "
          "on the −1 to +1 scale of net sentiment.",
          "브랜드에 대한 분위기가 비교 기간보다 좋아졌는지(+) 나빠졌는지(−). 순 감성(−1~+1) 기준의 차이."),
         ("net sentiment in the window − net sentiment in the baseline; Newcombe interval",
          "기간의 순 감성 − 비교 기간의 순 감성. 뉴컴 구간."),
         ("no_mentions", "no_polar_window", "no_polar_baseline", "not_scored")),
    _kpi("share_of_voice", "share", ("Share of voice", "점유율 (SOV)"),
         ("The brand's part of all the talk about the brands you track.",
          "추적하는 브랜드들에 대한 전체 대화 중 이 브랜드의 몫."),
         ("the brand's mentions ÷ all tracked brands' mentions in the window; Wilson interval",
          "기간 내 브랜드 멘션 ÷ 추적하는 모든 브랜드의 멘션. 윌슨 구간."),
         ("sov_unconfigured", "single_brand", "no_brand_mentions")),
    _kpi("mean_max_share_depth", "hops", ("Mean maximum share depth", "평균 최대 공유 깊이"),
         ("How far posts travel: on average, how many reshares in a row a post that spread went through.",
          "게시물이 얼마나 멀리 퍼지는지: 퍼진 게시물이 평균적으로 공유에 공유를 거쳐 몇 단계까지 전달되었는지."),
         ("mean over cascades rooted in the window with ≥ 2 mentions of their deepest share order (what a "
          "dashboard's \"average share depth\" usually means); bootstrap interval over cascades",
          "기간에 시작된 캐스케이드(멘션 2개 이상)의 가장 깊은 공유 차수의 평균 (대시보드에서 흔히 \"평균 공유 깊이\"라 "
          "부르는 값). 캐스케이드를 재표집한 부트스트랩 구간."),
         (*_DEPTH_NA, "no_spread_cascades")),
    _kpi("mean_share_order", "hops", ("Mean share order", "평균 공유 차수"),
         ("How far from the original post a typical reshare is (1 = a reshare of the original itself).",
          "보통의 공유가 원글에서 몇 단계 떨어져 있는지 (1 = 원글을 바로 공유)."),
         ("mean order of every share of the cascades rooted in the window (1 = a direct reshare of the original "
          "post); bootstrap interval resampling whole cascades",
          "기간에 시작된 캐스케이드의 모든 공유의 차수 평균 (1 = 원글의 직접 공유). 캐스케이드 단위로 재표집한 "
          "부트스트랩 구간."),
         (*_DEPTH_NA, "no_shares")),
    _kpi("amplification_asymmetry", "ratio", ("Amplification asymmetry", "확산 비대칭"),
         ("Whether bad news about the brand spreads further than good news (above 1×: it does).",
          "브랜드에 대한 나쁜 소식이 좋은 소식보다 더 멀리 퍼지는지 (1배보다 크면 그렇다)."),
         ("mean cascade size of negative-rooted ÷ positive-rooted posts in the window, the brand's own accounts "
          "left out of the size and of the roots; bootstrap interval",
          "기간 내 부정 원글 캐스케이드 평균 크기 ÷ 긍정 원글 캐스케이드 평균 크기. 브랜드 자체 계정의 멘션과 원글은 "
          "제외. 부트스트랩 구간."),
         (*_DEPTH_NA, "few_polar_cascades", "not_scored")),
    _kpi("conversion_change", "change", ("Conversion rate change", "전환율 변화"),
         ("How much better (or worse) the brand's site visits turned into sales than an ordinary period would "
          "predict. From the brand's own sales data.",
          "평소 같은 기간에 예상되는 것보다 브랜드 사이트 방문이 구매로 얼마나 더(또는 덜) 이어졌는지. 브랜드 자체 판매 "
          "데이터 기준."),
         ("conversion rate in the window ÷ its counterfactual rate (fitted on the baseline with day of week and "
          "trend, leaving out days of configured campaigns) − 1; interval from the day-to-day variation of the "
          "rate, allowing for autocorrelated days",
          "기간의 전환율 ÷ 반사실 전환율(비교 기간에 요일과 추세로 적합, 캠페인 기간 제외) − 1. 구간은 전환율의 일별 "
          "변동에서 계산하며 날 사이의 자기상관을 반영."),
         _BUSINESS_NA),
    _kpi("cac_change", "change", ("CAC change", "고객 획득 비용 변화"),
         ("How much more (or less) each new customer cost the brand than in the comparison period before. From "
          "the brand's own spend data.",
          "비교 기간보다 신규 고객 한 명을 얻는 데 든 비용이 얼마나 늘었는지(또는 줄었는지). 브랜드 자체 지출 데이터 "
          "기준."),
         ("(spend ÷ new customers) in the window ÷ the same in the baseline (without days of configured "
          "campaigns) − 1; interval allowing for autocorrelated days",
          "기간의 (지출 ÷ 신규 고객) ÷ 비교 기간의 같은 값(캠페인 기간 제외) − 1. 날 사이의 자기상관을 반영한 구간."),
         ("own_brand_only", "no_spend_data", "no_new_customers_window", "no_new_customers_baseline",
          "no_spend_window", "no_spend_baseline", "baseline_campaign_days", "not_finite")),
    _kpi("incremental_conversions", "count", ("Incremental conversions", "증분 전환"),
         ("Sales the chosen dates brought beyond what an ordinary period would have, from more visits as well "
          "as a better rate. From the brand's own sales data.",
          "평소 같은 기간이었다면 없었을 추가 판매. 늘어난 방문과 좋아진 전환율 모두 포함. 브랜드 자체 판매 데이터 기준."),
         ("conversions in the window − counterfactual sessions × counterfactual rate (both fitted on the "
          "baseline with day of week and trend, leaving out days of configured campaigns): the campaign's extra "
          "traffic counts as well as its better rate",
          "기간의 전환 − 반사실 세션 × 반사실 전환율 (둘 다 비교 기간에 요일과 추세로 적합, 캠페인 기간 제외): "
          "캠페인이 데려온 추가 방문도 계산."),
         _BUSINESS_NA),
    _kpi("viral_roi", "change", ("Viral ROI", "바이럴 ROI"),
         ("What the brand's campaign earned back beyond its cost: +100% means it brought twice what it cost, "
          "0% that it only paid for itself.",
          "브랜드 캠페인이 비용을 회수하고 더 벌어들인 몫. +100%는 비용의 두 배를 벌었다는 뜻, 0%는 본전."),
         ("(incremental conversions × value per conversion − campaign cost in the window) ÷ that cost; the cost "
          "is prorated to the window's days inside the campaign; the interval of the incremental conversions "
          "carried through",
          "(증분 전환 × 전환당 가치 − 기간 내 캠페인 비용) ÷ 그 비용. 비용은 기간에 포함된 캠페인 일수만큼 나눔. 증분 "
          "전환의 구간을 그대로 전달."),
         ("own_brand_only", "no_campaign", "no_campaign_cost", "zero_campaign_cost", "campaign_cost_tiny",
          "no_value_per_conversion", "incremental_na", "not_finite")),
    _kpi("earned_media_value", "currency", ("Earned media value (estimate)", "언드 미디어 가치 (추정)"),
         ("What the attention the mentions got would have cost as paid advertising (a rough estimate).",
          "멘션이 받은 관심을 유료 광고로 샀다면 들었을 비용 (대략적인 추정)."),
         ("estimated impressions (followers of each mention's author) × CPM ÷ 1000",
          "추정 노출(각 멘션 작성자의 팔로워 수) × CPM ÷ 1000."),
         ("no_mentions_window",)),
    _kpi("response_answer_rate", "share", ("Answer rate", "응답률"),
         ("How many complaints and questions the brand's accounts answered.",
          "브랜드 계정이 불만과 질문에 얼마나 답했는지."),
         ("share of complaints and questions old enough to be final with a brand account's reply in their thread "
          "within that time; Wilson interval",
          "충분히 지난(기본 48시간) 불만과 질문 중 그 시간 안에 스레드에서 브랜드 계정의 답변을 받은 비율. 윌슨 구간."),
         _RESPONSE_NA),
    _kpi("response_time_median", "minutes", ("Median response time (answered)", "응답 시간 중앙값 (응답된 건)"),
         ("How long a typical answered complaint or question waited for the brand's first reply.",
          "답변을 받은 보통의 불만이나 질문이 브랜드의 첫 답변까지 기다린 시간."),
         ("median time from a complaint or question to the first brand-account reply in its thread, among those "
          "answered; bootstrap interval",
          "답변을 받은 불만과 질문에서 첫 브랜드 답변까지 걸린 시간의 중앙값. 부트스트랩 구간."),
         _RESPONSE_NA),
    _kpi("response_time_p90", "minutes", ("Response time P90 (answered)", "응답 시간 P90 (응답된 건)"),
         ("The wait that 9 in 10 answered complaints and questions stayed within.",
          "답변을 받은 불만과 질문 10건 중 9건이 기다린 최대 시간."),
         ("time within which 90% of the answered complaints and questions had their first brand reply; "
          "bootstrap interval",
          "답변을 받은 불만과 질문의 90%가 첫 브랜드 답변을 받은 시간. 부트스트랩 구간."),
         _RESPONSE_NA),
    _kpi("answered_within_1h", "share", ("Answered within 1 hour", "1시간 내 응답 비율"),
         ("How many complaints and questions had a reply from the brand within an hour.",
          "불만과 질문 중 1시간 안에 브랜드의 답변을 받은 비율."),
         ("share of all complaints and questions with a brand reply within 60 minutes; Wilson interval",
          "모든 불만과 질문 중 60분 안에 브랜드 답변을 받은 비율. 윌슨 구간."),
         _RESPONSE_NA),
    _kpi("crisis_incidents", "count", ("Crisis incidents", "위기 사건 수"),
         ("Hours when complaints rose far above what is normal for that time of day and week.",
          "그 요일과 시간대의 평소 수준보다 불만이 크게 늘어난 시간대."),
         ("incidents in the window: hours whose negative mentions (count or share) are far and significantly "
          "above the seasonal baseline",
          "기간 내 사건 수: 부정 멘션(수 또는 비율)이 계절 기준보다 크게, 유의하게 높은 시간대."),
         ("no_mentions_history", "crisis_history", "crisis_no_history", "crisis_note", "not_scored")),
    # -- the Overview's volume cards (counted by the dashboard) ----------------------------------------------
    _kpi("mentions", "count", ("Mentions", "멘션 수"),
         ("How many times the brand was mentioned in the chosen dates.",
          "선택한 기간에 브랜드가 언급된 횟수."),
         ("Count of mentions in the window that match the filters (every kind: posts, replies, shares, quotes).",
          "필터에 맞는 기간 내 멘션 수 (게시물, 답글, 공유, 인용 모두 포함).")),
    _kpi("baseline_mentions", "count", ("Mentions in baseline", "비교 기간 멘션 수"),
         ("How many mentions the same length of time just before had, to compare with.",
          "비교를 위해, 바로 앞의 같은 길이 기간에 있었던 멘션 수."),
         ("The same count over the equally long period just before the window.",
          "기간 바로 앞의 같은 길이 기간에서 센 같은 멘션 수.")),
    _kpi("authors", "count", ("Distinct authors", "고유 작성자"),
         ("How many different people and accounts wrote these mentions.",
          "이 멘션을 쓴 서로 다른 사람과 계정의 수."),
         ("Accounts that wrote at least one of these mentions (an account is a source and an author id, or the "
          "author's name when the id is missing); mentions without either are not counted (n = the mentions "
          "with an author).",
          "이 멘션 중 하나 이상을 쓴 계정 수 (계정 = 소스 + 작성자 ID, ID가 없으면 작성자 이름). 둘 다 없는 멘션은 "
          "세지 않습니다 (n = 작성자가 있는 멘션 수)."),
         ("no_author_ids",)),
    _kpi("reshares", "count", ("Shares and quotes", "공유 및 인용"),
         ("How often the conversation was passed on.", "대화가 얼마나 자주 전달되었는지."),
         ("Mentions of kind share or quote in the window: how often the conversation was passed on.",
          "기간 내 공유 또는 인용 유형 멘션 수: 대화가 얼마나 전달되었는지.")),
    _kpi("roots", "count", ("Cascades started", "시작된 캐스케이드"),
         ("How many original posts started a conversation of their own.",
          "자기만의 대화를 시작한 원본 게시물 수."),
         ("Original posts in the window (mentions without a parent): each is the root of a cascade.",
          "기간 내 원본 게시물 수 (부모가 없는 멘션): 각각이 캐스케이드의 뿌리입니다.")),
)}

#: The KPIs ``viralscope.kpis.compute`` returns (the metrics stage's), in the order of the JSON.
METRIC_KEYS = tuple(REGISTRY)[:19]
#: The KPIs ``analyze`` reports, in this order.
SUMMARY = ("mention_lift", "net_sentiment", "perception_change", "share_of_voice", "mean_max_share_depth",
           "conversion_change", "viral_roi", "response_time_median", "crisis_incidents")
#: The Overview's headline KPIs, in this order (the others go below them), and its response-time cards.
OVERVIEW = ("mention_lift", "positive_mention_lift", "perception_change", "mean_max_share_depth",
            "conversion_change", "viral_roi")
RESPONSE = ("response_answer_rate", "response_time_median", "response_time_p90", "answered_within_1h")

#: What each count of a KPI's ``n`` is.
N_LABELS = {
    "window": {"en": "window", "ko": "기간"},
    "baseline": {"en": "baseline", "ko": "비교 기간"},
    "days_window": {"en": "days in window", "ko": "기간 일수"},
    "days_baseline": {"en": "days in baseline", "ko": "비교 기간 일수"},
    "sessions_window": {"en": "sessions in window", "ko": "기간 세션 수"},
    "new_customers_window": {"en": "new customers in window", "ko": "기간 신규 고객 수"},
    "new_customers_baseline": {"en": "new customers in baseline", "ko": "비교 기간 신규 고객 수"},
    "negative": {"en": "negative-rooted cascades", "ko": "부정 원글 캐스케이드"},
    "positive": {"en": "positive-rooted cascades", "ko": "긍정 원글 캐스케이드"},
    "final": {"en": "complaints and questions old enough", "ko": "충분히 지난 불만과 질문"},
    "answered": {"en": "answered", "ko": "응답된 건"},
    "shares": {"en": "shares", "ko": "공유"},
    "cascades": {"en": "cascades", "ko": "캐스케이드"},
}


def _lang(lang: str) -> str:
    return lang if lang in LANGUAGES else "en"


def label(key: str, lang: str = "en") -> str:
    return REGISTRY[key].label[_lang(lang)]


def help_text(key: str, lang: str = "en") -> str:
    """What the KPI tells, in plain language."""
    return REGISTRY[key].help[_lang(lang)]


def definition(key: str, lang: str = "en") -> str:
    """How the KPI is computed (the formula, its interval and when it is n/a)."""
    return REGISTRY[key].definition[_lang(lang)]


def definitions() -> dict[str, tuple[str, str, str]]:
    """``key -> (English label, unit, English definition)`` of the metrics stage's KPIs."""
    return {k: (label(k), REGISTRY[k].unit, definition(k)) for k in METRIC_KEYS}


def reason(kpi: dict, lang: str = "en") -> str | None:
    """Why ``kpi`` (a KPI dict or a metric's result) is n/a, in ``lang``."""
    return reasons.translate(kpi, lang)


#: What a verdict says, in each language (:func:`verdict`): of a change against the baseline, and of an amount
#: that is itself measured against zero (incremental conversions, a return).
VERDICTS = {
    "up": {"en": "clear rise", "ko": "뚜렷한 증가"},
    "down": {"en": "clear fall", "ko": "뚜렷한 감소"},
    "flat": {"en": "no clear change", "ko": "뚜렷한 변화 없음"},
}
VERDICTS_AGAINST_ZERO = {
    "up": {"en": "clearly above zero", "ko": "0보다 뚜렷이 큼"},
    "down": {"en": "clearly below zero", "ko": "0보다 뚜렷이 작음"},
    "flat": {"en": "not clearly different from zero", "ko": "0과 뚜렷한 차이 없음"},
}
#: The KPIs of :data:`BETTER` that are an amount against zero rather than a change against the baseline.
AGAINST_ZERO = ("incremental_conversions", "viral_roi")


def verdict(lo, hi) -> str | None:
    """Whether a change is clear from its 95% interval ``[lo, hi]``: ``"up"`` when the whole interval is above
    zero, ``"down"`` when it is below, ``"flat"`` when it holds zero (no clear change either way), None when
    the interval is missing or not finite (no verdict).

    >>> verdict(-0.065, 0.461), verdict(0.03, 0.20), verdict(-0.20, -0.03), verdict(None, 0.2)
    ('flat', 'up', 'down', None)
    """
    if _bad(lo) or _bad(hi):
        return None
    if lo > 0:
        return "up"
    if hi < 0:
        return "down"
    return "flat"


def judge(key: str, lo, hi) -> tuple[str | None, bool | None]:
    """The :func:`verdict` of KPI ``key`` and whether it is good news for the brand (None when it is neither a
    change KPI of the registry, nor clear)."""
    k = REGISTRY.get(key)
    if k is None or k.better is None:
        return None, None
    v = verdict(lo, hi)
    return v, (None if v in (None, "flat") else v == k.better)


def verdict_text(v: str, lang: str = "en", key: str | None = None) -> str:
    """What verdict ``v`` of KPI ``key`` says to a reader: ``no clear change``, ``0보다 뚜렷이 큼`` …"""
    return (VERDICTS_AGAINST_ZERO if key in AGAINST_ZERO else VERDICTS)[v][_lang(lang)]


def strings(prefix: str = "kpi") -> dict[str, dict[str, str]]:
    """The KPI texts as entries of an interface string table: ``kpi.<key>.label`` / ``.help`` / ``.def``."""
    out = {}
    for key, k in REGISTRY.items():
        out[f"{prefix}.{key}.label"] = dict(k.label)
        out[f"{prefix}.{key}.help"] = dict(k.help)
        out[f"{prefix}.{key}.def"] = dict(k.definition)
    return out


# -- numbers ---------------------------------------------------------------------------------------------


def missing(x) -> bool:
    """True for None, NaN, NaT and pandas' NA."""
    if x is None:
        return True
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def _bad(x) -> bool:
    return missing(x) or (isinstance(x, float) and not math.isfinite(x))


def number(x, lang: str = "en", *, digits: int = 0) -> str:
    """A number with thousands separators (both languages group by three digits in full form)."""
    return MISSING if _bad(x) else f"{x:,.{digits}f}"


def compact(x, lang: str = "en") -> str:
    """A short number for cards and axes: 1.2K / 3.4M in English, 1.2천 / 120만 / 3.4억 in Korean."""
    if _bad(x):
        return MISSING
    sign, x = ("-" if x < 0 else ""), abs(float(x))
    steps = [(1e8, "억"), (1e4, "만"), (1e3, "천")] if lang == "ko" else [(1e9, "B"), (1e6, "M"), (1e3, "K")]
    for size, suffix in steps:
        if x >= size:
            v = x / size
            text = f"{v:,.1f}".rstrip("0").rstrip(".") if v < 100 else f"{v:,.0f}"
            return f"{sign}{text}{suffix}"
    return f"{sign}{x:,.0f}" if x == int(x) else f"{sign}{x:,.2f}"


def percent(x, lang: str = "en", *, digits: int = 1, signed: bool = False) -> str:
    """A fraction as a percentage: 0.215 → ``+21.5%`` when ``signed``."""
    if _bad(x):
        return MISSING
    return f"{x * 100:+,.{digits}f}%" if signed else f"{x * 100:,.{digits}f}%"


def minutes(x, lang: str = "en") -> str:
    """A duration in minutes: ``45 min`` / ``2.5 h`` (``45분`` / ``2.5시간``)."""
    if _bad(x):
        return MISSING
    if x < 90:
        return f"{x:,.0f}분" if lang == "ko" else f"{x:,.0f} min"
    hours = x / 60
    if hours < 48:
        return f"{hours:,.1f}시간" if lang == "ko" else f"{hours:,.1f} h"
    return f"{hours / 24:,.1f}일" if lang == "ko" else f"{hours / 24:,.1f} d"


#: Unit names other callers use for the units of the registry.
_ALIASES = {"relative": "change", "lift": "change", "percent": "share", "%": "share", "min": "minutes",
            "mentions": "count", "accounts": "count", "": "count"}


def format_value(value, unit: str | None, lang: str = "en", *, currency: str = "", compact_style: bool = False,
                 na: str = "n/a") -> str:
    """One number of a KPI in its unit: the only place a KPI's number is written.

    Exact style (CLI, report): ``+16.8%``, ``0.42``, ``45 min``, ``2.8 h``, ``185,234 USD``, ``1,234``. Compact
    style (dashboard cards): money as ``185K USD`` (``18.5만 USD``), counts with 2 decimals when not whole. In
    both, durations past 90 minutes are in hours (past 48 hours in days) and money carries ``currency`` (an
    ISO code, written after the number in both languages).

    >>> format_value(0.168, "change"), format_value(166, "minutes"), format_value(166, "minutes", "ko")
    ('+16.8%', '2.8 h', '2.8시간')
    >>> format_value(185234, "currency", currency="USD"), format_value(185234, "currency", "ko", currency="USD",
    ...                                                                compact_style=True)
    ('185,234 USD', '18.5만 USD')
    """
    if value is None:
        return na
    unit = (unit or "").lower()
    unit = _ALIASES.get(unit, unit)
    if unit == "change":
        return percent(value, lang, signed=True)
    if unit == "share":
        return percent(value, lang)
    if unit in ("score", "points"):
        return f"{value:+.2f}"
    if unit == "ratio":
        return f"{value:,.2f}×"
    if unit == "hops":
        return f"{value:,.2f}"
    if unit == "minutes":
        return minutes(value, lang)
    if unit == "currency":
        return f"{compact(round(value), lang) if compact_style else number(value, lang)} {currency}".strip()
    if unit == "count":
        if compact_style and not float(value).is_integer():
            return number(value, lang, digits=2)
        return number(value, lang)
    return f"{number(value, lang, digits=2)} {unit}"


def display(value, lo, hi, unit: str, currency: str = "") -> str:
    """A KPI's ``display`` in the CLI JSON and the report: ``+16.8% (95% CI +2.1% to +33.0%)``."""
    if value is None:
        return "n/a"
    text = format_value(value, unit, currency=currency)
    if lo is not None and hi is not None:
        text += f" (95% CI {format_value(lo, unit, currency=currency)} to {format_value(hi, unit, currency=currency)})"
    return text


def n_text(n, lang: str = "en", *, na: str = MISSING) -> str:
    """What a KPI is computed from, each count named: ``window 7,669; baseline 6,564`` (a bare count alone)."""
    def count(v):
        if _bad(v):
            return na
        return number(v, lang) if float(v) == int(v) else number(v, lang, digits=2)

    if isinstance(n, dict):
        return "; ".join(f"{N_LABELS[k][_lang(lang)] if k in N_LABELS else k.replace('_', ' ')} {count(v)}"
                         for k, v in n.items())
    return count(n)
