"""Every word the weekly report writes, in English and Korean: titles, headings, notes, column names, values.

The KPIs' own names, definitions and n/a reasons come from :mod:`viralscope.kpi_registry` (and the reason
codes of :mod:`viralscope.core.reasons`); what only the report says lives here. :func:`t` looks a string up,
:func:`header` names a table's column for a reader, :func:`say` translates a message the report's build wrote
in English (a section's reason or note) and :func:`value` the few words that are data (``this week``, ``yes``).
"""

from __future__ import annotations

import re

from viralscope.core import reasons

__all__ = ["LANGUAGES", "header", "lang_of", "say", "sheet_name", "t", "value"]

LANGUAGES = ("en", "ko")

STRINGS: dict[str, dict[str, str]] = {
    # The PDF's page footer (a CSS content value: the quoted parts around the page counters).
    "page_footer": {"en": '"page " counter(page) " of " counter(pages)',
                    "ko": 'counter(page) " / " counter(pages) "쪽"'},
    "title": {"en": "Weekly report {week}", "ko": "주간 보고서 {week}"},
    "this_week": {"en": "This week: {window} (UTC) · compared with the week before: {baseline}",
                  "ko": "이번 주: {window} (UTC) · 비교한 지난주: {baseline}"},
    "scope": {"en": "Scope: {scope} · {n:,} mentions this week, {b:,} the week before",
              "ko": "범위: {scope} · 이번 주 멘션 {n:,}건, 지난주 {b:,}건"},
    "authors": {"en": "Authors: {authors} · generated {generated}", "ko": "작성자: {authors} · 생성 {generated}"},
    "sections": {"en": "Sections", "ko": "섹션"},
    "not_computed_short": {"en": "(not computed)", "ko": "(계산 안 됨)"},
    "not_computed": {"en": "Not computed: {reason}", "ko": "계산되지 않음: {reason}"},
    "definitions": {"en": "Definitions", "ko": "정의"},
    "definition": {"en": "definition", "ko": "정의"},
    "kpi": {"en": "KPI", "ko": "KPI"},
    "this_week_ci": {"en": "this week (95% interval)", "ko": "이번 주 (95% 구간)"},
    "computed_from": {"en": "computed from", "ko": "계산 근거"},
    "window": {"en": "window", "ko": "기간"},
    "baseline": {"en": "baseline", "ko": "비교 기간"},
    "na": {"en": "n/a", "ko": "해당 없음"},
    "ci": {"en": "95% CI", "ko": "95% 구간"},
    "ci_interval": {"en": "95% interval", "ko": "95% 구간"},
    "to": {"en": "to", "ko": "~"},
    "summary": {"en": "Executive summary", "ko": "요약"},
    "summary_intro": {
        "en": "The {n} numbers that moved most against the week before: first the changes whose 95% interval "
              "excludes no change, then by the size of the change in units of its own uncertainty.",
        "ko": "지난주 대비 가장 크게 움직인 숫자 {n}개: 95% 구간이 '변화 없음'을 벗어난 변화를 먼저, 그다음 "
              "불확실성 대비 변화의 크기 순."},
    "summary_none": {"en": "No KPI that compares this week with the week before could be computed.",
                     "ko": "이번 주를 지난주와 비교하는 KPI를 계산할 수 없었습니다."},
    "summary_unranked": {"en": "Not ranked (n/a): {names}.", "ko": "순위에서 제외 (해당 없음): {names}."},
    "cascades_note": {
        "en": "Cascades whose original post is in this week, with every share collected so far; share order = "
              "hops from the original post. Text cut to {limit} characters.",
        "ko": "원본 게시물이 이번 주에 올라온 캐스케이드와 지금까지 수집된 모든 공유. 공유 차수 = 원본 게시물에서 "
              "몇 단계 떨어졌는지. 본문은 {limit}자까지."},
    "triggers_accounts": {"en": "Accounts whose reshares re-ignited a cascade",
                          "ko": "공유로 캐스케이드를 다시 불붙인 계정"},
    "triggers_traits": {"en": "Content traits of original posts that went viral",
                        "ko": "바이럴이 된 원본 게시물의 콘텐츠 특성"},
    "trait_note": {
        "en": "{message} ({n_posts} posts, {n_viral} reached {threshold} mentions or more; {folds}-fold "
              "cross-validation). Effects are changes in log-odds of going viral, with 95% intervals.",
        "ko": "{message} (게시물 {n_posts}개 중 {n_viral}개가 멘션 {threshold}개 이상에 도달; {folds}겹 교차 검증). "
              "효과는 바이럴이 될 로그 오즈의 변화이며 95% 구간과 함께 표시."},
    "notable_note": {
        "en": "The week's most-reached positive and negative posts, replies and quotes (reach = the author's "
              "followers; plain reshares and brand accounts left out). Text exactly as written.",
        "ko": "이번 주 도달이 가장 큰 긍정·부정 게시물, 답글, 인용 (도달 = 작성자의 팔로워 수; 단순 공유와 브랜드 "
              "계정 제외). 본문은 쓰인 그대로."},
    "footer": {"en": "viralscope weekly report {week} · times in UTC · windows are half-open [start, end) · every "
                     "KPI is computed exactly as",
               "ko": "viralscope 주간 보고서 {week} · 시간은 UTC · 기간은 반열린 구간 [시작, 끝) · 모든 KPI는 다음 "
                     "명령이 출력하는 값과 같습니다:"},
    "footer_end": {"en": "prints it.", "ko": ""},
    "open": {"en": "open", "ko": "열기"},
    # charts
    "chart_volume": {"en": "Mentions per day by sentiment", "ko": "감성별 일일 멘션 수"},
    "chart_net": {"en": "Net sentiment per day", "ko": "일일 순 감성"},
    "chart_conversion": {"en": "Conversion rate per day", "ko": "일일 전환율"},
    "series_unscored": {"en": "mentions (not scored for sentiment)", "ko": "멘션 (감성 미분석)"},
    "series_net": {"en": "net sentiment", "ko": "순 감성"},
    "series_conversion": {"en": "conversion rate", "ko": "전환율"},
    "axis_mentions": {"en": "mentions", "ko": "멘션 수"},
    "axis_net": {"en": "net sentiment (−1 to +1)", "ko": "순 감성 (−1 ~ +1)"},
    "axis_rate": {"en": "conversion rate", "ko": "전환율"},
    # the about sheet
    "report_name": {"en": "viralscope weekly report", "ko": "viralscope 주간 보고서"},
    "ok": {"en": "ok", "ko": "정상"},
}

#: Section titles by key (``build.SECTIONS``), plus the executive summary's.
SECTION_TITLES = {
    "summary": {"en": "Executive summary", "ko": "요약"},
    "kpis": {"en": "Key numbers", "ko": "핵심 지표"},
    "volume": {"en": "Mention volume and sentiment", "ko": "멘션량과 감성"},
    "cascades": {"en": "Top cascades", "ko": "상위 캐스케이드"},
    "triggers": {"en": "Viral triggers", "ko": "바이럴 촉발 요인"},
    "incidents": {"en": "Incidents and response times", "ko": "위기 사건과 응답 시간"},
    "business": {"en": "Conversions and viral ROI", "ko": "전환과 바이럴 ROI"},
    "themes": {"en": "Emerging themes", "ko": "떠오르는 주제"},
    "notable": {"en": "Notable mentions", "ko": "주목할 멘션"},
}

#: Sheet names of the XLSX (31 characters at most, none of ``[]:*?/\``), by table.
SHEETS = {
    "summary": {"en": "Summary", "ko": "요약"},
    "about": {"en": "About", "ko": "보고서 정보"},
    "kpis": {"en": "Key numbers", "ko": "핵심 지표"},
    "volume": {"en": "Volume", "ko": "멘션량"},
    "cascades": {"en": "Top cascades", "ko": "상위 캐스케이드"},
    "trigger_accounts": {"en": "Trigger accounts", "ko": "촉발 계정"},
    "trigger_model": {"en": "Trigger model", "ko": "촉발 모델"},
    "trigger_traits": {"en": "Trigger traits", "ko": "촉발 특성"},
    "incidents": {"en": "Incidents", "ko": "위기 사건"},
    "conversions": {"en": "Conversions", "ko": "전환"},
    "themes": {"en": "Emerging themes", "ko": "떠오르는 주제"},
    "notable_mentions": {"en": "Notable mentions", "ko": "주목할 멘션"},
}

#: Readable column names (HTML table headers and XLSX header rows), by column.
COLUMNS: dict[str, dict[str, str]] = {
    "rank": {"en": "Rank", "ko": "순위"},
    "key": {"en": "Key", "ko": "키"},
    "label": {"en": "Name", "ko": "이름"},
    "display": {"en": "As shown", "ko": "표시"},
    "value": {"en": "Value", "ko": "값"},
    "ci_low": {"en": "95% interval low", "ko": "95% 구간 하한"},
    "ci_high": {"en": "95% interval high", "ko": "95% 구간 상한"},
    "unit": {"en": "Unit", "ko": "단위"},
    "status": {"en": "Status", "ko": "상태"},
    "reason": {"en": "Why n/a", "ko": "해당 없음 이유"},
    "n": {"en": "Computed from (n)", "ko": "계산 근거 (n)"},
    "window": {"en": "Window (UTC)", "ko": "기간 (UTC)"},
    "baseline": {"en": "Baseline (UTC)", "ko": "비교 기간 (UTC)"},
    "definition": {"en": "Definition", "ko": "정의"},
    "sentence": {"en": "Summary", "ko": "요약"},
    "kpi": {"en": "KPI", "ko": "KPI"},
    "clear": {"en": "Clear change", "ko": "뚜렷한 변화"},
    "z": {"en": "Standardized change", "ko": "표준화 변화"},
    "field": {"en": "Field", "ko": "항목"},
    "date": {"en": "Date", "ko": "날짜"},
    "period": {"en": "Period", "ko": "구분"},
    "mentions": {"en": "Mentions", "ko": "멘션 수"},
    "positive": {"en": "Positive", "ko": "긍정"},
    "neutral": {"en": "Neutral", "ko": "중립"},
    "negative": {"en": "Negative", "ko": "부정"},
    "unscored": {"en": "Not scored", "ko": "미분석"},
    "net_sentiment": {"en": "Net sentiment", "ko": "순 감성"},
    "source": {"en": "Source", "ko": "소스"},
    "cascade_id": {"en": "Cascade", "ko": "캐스케이드"},
    "started_at": {"en": "Started (UTC)", "ko": "시작 (UTC)"},
    "size": {"en": "Size", "ko": "크기"},
    "depth": {"en": "Depth", "ko": "깊이"},
    "max_breadth": {"en": "Max breadth", "ko": "최대 폭"},
    "structural_virality": {"en": "Structural virality", "ko": "구조적 바이럴성"},
    "depth_counts": {"en": "Mentions per share order", "ko": "공유 차수별 멘션"},
    "last_at": {"en": "Last share (UTC)", "ko": "마지막 공유 (UTC)"},
    "author_id": {"en": "Author id", "ko": "작성자 ID"},
    "author_name": {"en": "Author", "ko": "작성자"},
    "author_followers": {"en": "Followers", "ko": "팔로워"},
    "sentiment_label": {"en": "Sentiment", "ko": "감성"},
    "text": {"en": "Text", "ko": "본문"},
    "followers": {"en": "Followers", "ko": "팔로워"},
    "reignitions": {"en": "Re-ignitions", "ko": "재점화"},
    "descendants_triggered": {"en": "Descendants triggered", "ko": "촉발된 후속 멘션"},
    "largest_fraction": {"en": "Largest share of a cascade", "ko": "캐스케이드 최대 비중"},
    "cascades": {"en": "Cascades", "ko": "캐스케이드 수"},
    "descendants_per_1k_followers": {"en": "Descendants per 1k followers", "ko": "팔로워 1천 명당 후속 멘션"},
    "auc": {"en": "AUC", "ko": "AUC"},
    "auc_ci_low": {"en": "AUC 95% interval low", "ko": "AUC 95% 구간 하한"},
    "auc_ci_high": {"en": "AUC 95% interval high", "ko": "AUC 95% 구간 상한"},
    "reliable": {"en": "Reliable", "ko": "신뢰 가능"},
    "message": {"en": "Message", "ko": "메시지"},
    "n_posts": {"en": "Posts", "ko": "게시물 수"},
    "n_viral": {"en": "Viral posts", "ko": "바이럴 게시물 수"},
    "threshold": {"en": "Viral threshold (mentions)", "ko": "바이럴 기준 (멘션)"},
    "folds": {"en": "Cross-validation folds", "ko": "교차 검증 겹 수"},
    "dropped": {"en": "Traits left out", "ko": "제외된 특성"},
    "trait": {"en": "Trait", "ko": "특성"},
    "description": {"en": "Description", "ko": "설명"},
    "effect": {"en": "Effect (log-odds)", "ko": "효과 (로그 오즈)"},
    "odds_ratio": {"en": "Odds ratio", "ko": "오즈비"},
    "prevalence": {"en": "Prevalence", "ko": "비중"},
    "p_value": {"en": "p", "ko": "p"},
    "p_holm": {"en": "p (Holm)", "ko": "p (Holm)"},
    "significant": {"en": "Significant", "ko": "유의함"},
    "start": {"en": "Start (UTC)", "ko": "시작 (UTC)"},
    "end": {"en": "End (UTC)", "ko": "끝 (UTC)"},
    "peak": {"en": "Peak (UTC)", "ko": "정점 (UTC)"},
    "severity": {"en": "Severity", "ko": "심각도"},
    "ratio": {"en": "× expected", "ko": "예상 대비 배수"},
    "channel": {"en": "Seen in", "ko": "감지 기준"},
    "driving_cascades": {"en": "Driving cascades", "ko": "주도 캐스케이드"},
    "emerging_terms": {"en": "Emerging terms", "ko": "떠오르는 용어"},
    "alerted_to": {"en": "Alerted to", "ko": "알림 대상"},
    "first_alert_at": {"en": "First alert (UTC)", "ko": "첫 알림 (UTC)"},
    "sessions": {"en": "Sessions", "ko": "세션"},
    "conversions": {"en": "Conversions", "ko": "전환"},
    "conversion_rate": {"en": "Conversion rate", "ko": "전환율"},
    "revenue": {"en": "Revenue", "ko": "매출"},
    "spend": {"en": "Spend", "ko": "지출"},
    "new_customers": {"en": "New customers", "ko": "신규 고객"},
    "terms": {"en": "Terms", "ko": "용어"},
    "documents": {"en": "Mentions", "ko": "멘션 수"},
    "share": {"en": "Share", "ko": "비중"},
    "tone": {"en": "Tone", "ko": "논조"},
    "created_at": {"en": "Time (UTC)", "ko": "시간 (UTC)"},
    "id": {"en": "Id", "ko": "ID"},
    "reach": {"en": "Reach", "ko": "도달"},
    "likes": {"en": "Likes", "ko": "좋아요"},
    "shares": {"en": "Shares", "ko": "공유"},
    "replies": {"en": "Replies", "ko": "답글"},
    "sentiment_compound": {"en": "Sentiment score", "ko": "감성 점수"},
    "kind": {"en": "Kind", "ko": "유형"},
    "url": {"en": "Link", "ko": "링크"},
}
#: Shorter names where a printed table is narrow (the HTML and PDF), by column.
SHORT = {
    "structural_virality": {"en": "Struct. virality", "ko": "바이럴성"},
    "depth_counts": {"en": "Mentions per share order", "ko": "공유 차수별 멘션"},
    "max_breadth": {"en": "Max breadth", "ko": "최대 폭"},
    "author_followers": {"en": "Followers", "ko": "팔로워"},
    "descendants_per_1k_followers": {"en": "Per 1k followers", "ko": "팔로워 1천 명당"},
}

#: Words that are data in a table (periods, tones, channels, yes/no), by their English form.
VALUES = {
    "this week": "이번 주", "previous week": "지난주", "positive": "긍정", "negative": "부정", "neutral": "중립",
    "unscored": "미분석", "yes": "예", "no": "아니요", "ok": "정상", "count": "건수", "share": "비율",
    "both": "건수와 비율", "post": "게시물", "reply": "답글", "quote": "인용", "n/a": "해당 없음",
}

#: Field names of the ``about`` table.
ABOUT = {
    "report": "보고서", "week": "주", "window_start_utc": "기간 시작 (UTC)", "window_end_utc": "기간 끝 (UTC)",
    "baseline_start_utc": "비교 기간 시작 (UTC)", "baseline_end_utc": "비교 기간 끝 (UTC)", "brand": "브랜드",
    "scope": "범위", "mentions_window": "이번 주 멘션 수", "mentions_baseline": "지난주 멘션 수", "authors": "작성자",
    "generated_at_utc": "생성 시각 (UTC)", "viralscope_version": "viralscope 버전", "note": "참고", "language": "언어",
}
ABOUT_EN = {
    "report": "Report", "week": "Week", "window_start_utc": "Window start (UTC)", "window_end_utc": "Window end (UTC)",
    "baseline_start_utc": "Baseline start (UTC)", "baseline_end_utc": "Baseline end (UTC)", "brand": "Brand",
    "scope": "Scope", "mentions_window": "Mentions this week", "mentions_baseline": "Mentions the week before",
    "authors": "Authors", "generated_at_utc": "Generated (UTC)", "viralscope_version": "viralscope version",
    "note": "Note", "language": "Language",
}

#: Messages the report's build writes (sections' reasons and notes) that are not reason codes.
MESSAGES = {
    "no original post of the window was shared or answered": "기간의 원본 게시물 중 공유되거나 답글을 받은 것이 없습니다",
    "no reshare re-ignited a cascade rooted in this week": "이번 주에 시작된 캐스케이드를 공유로 다시 불붙인 경우가 없습니다",
    "no incident in this week": "이번 주에는 위기 사건이 없습니다",
    "no conversion data (import-conversions) in this week or the week before":
        "이번 주와 지난주에 전환 데이터가 없습니다 (import-conversions)",
    "no mentions in this week": "이번 주에 멘션이 없습니다",
    "no term rose clearly above the week before": "지난주보다 뚜렷이 늘어난 용어가 없습니다",
    "no positive or negative post, reply or quote in this week": "이번 주에 긍정 또는 부정 게시물, 답글, 인용이 없습니다",
    "included as collected": "수집된 그대로 포함",
    "store": "저장소",
}
_PATTERNS = (
    (re.compile(r"^counted on a reproducible sample of ([\d,]+) mentions per week$"),
     "주마다 재현 가능한 표본 {0}건으로 셈"),
    (re.compile(r"^no trait model: (.*)$"), "특성 모델 없음: {0}"),
    (re.compile(r"^pseudonymised \(keyed hash; key from the (.*); brand accounts in clear\)$"),
     "가명 처리 (키 해시, 키 출처: {0}; 브랜드 계정은 그대로)"),
    (re.compile(r"^mentions of (.*)$"), "{0} 멘션"),
    (re.compile(r"^all mentions$"), "모든 멘션"),
)


#: What one unit of each content trait's effect means (``diffusion.traits.TRAIT_DESCRIPTIONS``), in Korean.
TRAITS_KO = {
    "media": "이미지나 동영상이 있음 (없음 대비)",
    "personalization": "독자에게 직접 말함 (아님 대비)",
    "surprise": "놀라움을 표현함 (없음 대비)",
    "storytelling": "경험을 이야기함 (아님 대비)",
    "question_cta": "질문하거나 행동을 요청함 (아님 대비)",
    "hashtags": "해시태그 수 1 표준편차당",
    "mentions": "@멘션 수 1 표준편차당",
    "links": "링크 수 1 표준편차당",
    "sentiment": "감성 점수(compound) 1 표준편차당",
    "author_reach": "log10(1 + 팔로워 수) 1 표준편차당",
    "hour_night": "00–06시 UTC 게시 (12–18시 대비)",
    "hour_morning": "06–12시 UTC 게시 (12–18시 대비)",
    "hour_evening": "18–24시 UTC 게시 (12–18시 대비)",
    "weekend": "주말 게시 (평일 대비)",
}
_TRAIT_MESSAGE = re.compile(r"^traits predict going viral \(AUC ([\d.]+), (\d+%) interval ([\d.]+)–([\d.]+)\)"
                            r"(?:; clearest effects: (.*)|; no single trait stands out)$")
_NO_TRIGGER = re.compile(r"^no reliable trigger found: the traits do not predict going viral better than chance "
                         r"\(AUC ([\d.]+), (\d+%) interval ([\d.]+)–([\d.]+)\)$")


def trait_description(trait: str, english, lang: str = "en"):
    """What one unit of a content trait's effect means, in ``lang`` (the diffusion stage writes English)."""
    if lang_of(lang) == "en" or not isinstance(trait, str):
        return english
    if trait in TRAITS_KO:
        return TRAITS_KO[trait]
    if trait.startswith("theme_"):
        return f"'{trait[6:]}' 주제를 언급함 (아님 대비)"
    if trait.startswith("source_"):
        return f"{trait[7:]}에 게시 (가장 흔한 소스 대비)"
    return english


def _trait_message(message: str) -> str | None:
    m = _TRAIT_MESSAGE.match(message)
    if m:
        auc, pct, low, high, named = m.groups()
        tail = f"; 가장 뚜렷한 효과: {named}" if named else "; 특별히 두드러진 특성은 없음"
        return f"특성으로 바이럴 여부를 예측할 수 있음 (AUC {auc}, {pct} 구간 {low}–{high}){tail}"
    m = _NO_TRIGGER.match(message)
    if m:
        auc, pct, low, high = m.groups()
        return (f"신뢰할 만한 촉발 요인을 찾지 못함: 특성이 우연보다 바이럴 여부를 잘 예측하지 못함 "
                f"(AUC {auc}, {pct} 구간 {low}–{high})")
    return None


def lang_of(lang: str | None) -> str:
    """``lang`` if the report speaks it, else English."""
    return lang if lang in LANGUAGES else "en"


def t(key: str, lang: str = "en", **params) -> str:
    """The report's string ``key`` in ``lang``, with ``params`` filled in."""
    text = STRINGS[key][lang_of(lang)]
    return text.format(**params) if params else text


def section_title(key: str, lang: str = "en") -> str:
    return SECTION_TITLES[key][lang_of(lang)]


def sheet_name(table: str, lang: str = "en") -> str:
    """The XLSX sheet of ``table``: a readable name (the table's own name when it has none)."""
    return SHEETS.get(table, {}).get(lang_of(lang), table)[:31]


def header(column: str, lang: str = "en", *, short: bool = False) -> str:
    """A column's name for a reader (``ci_low`` → ``95% interval low`` / ``95% 구간 하한``)."""
    lang = lang_of(lang)
    if short and column in SHORT:
        return SHORT[column][lang]
    if column in COLUMNS:
        return COLUMNS[column][lang]
    return column.replace("_", " ").capitalize()


def value(v, lang: str = "en"):
    """A word that is data (``this week``, ``negative``, ``yes``) in ``lang``; anything else unchanged."""
    if lang_of(lang) == "ko" and isinstance(v, str):
        return VALUES.get(v, v)
    return v


def _en_reasons() -> dict[str, str]:
    """English reason texts without parameters -> their code."""
    return {d["en"]: code for code, d in reasons.REASONS.items() if "{" not in d["en"]}


def say(message: str | None, lang: str = "en") -> str | None:
    """A message the build wrote in English (a section's reason or note, the scope, how authors are shown), in
    ``lang``: a reason code's own translation, the report's table, or a known pattern; unknown text unchanged."""
    if message is None or lang_of(lang) == "en":
        return message
    if message in MESSAGES:
        return MESSAGES[message]
    code = _en_reasons().get(message)
    if code is not None:
        return reasons.text(code, None, lang)
    trait = _trait_message(message)
    if trait is not None:
        return trait
    for pattern, template in _PATTERNS:
        m = pattern.match(message)
        if m:
            return template.format(*(say(g, lang) for g in m.groups()))
    return message
