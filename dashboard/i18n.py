"""The interface in English and Korean. Every string a page shows comes from ``STRINGS``.

``t(key, lang, **values)`` formats a string with ``str.format``; values are inserted as given, so a caller
that puts store data into a string that is rendered as Markdown escapes it first (``safety.md``).
A test checks that every key has both languages.
"""

from __future__ import annotations

from viralscope import kpi_registry
from viralscope.core import reasons, settings

LANGUAGES = {"en": "English", "ko": "한국어"}

_LANGUAGE_NAMES = {
    "en": {"en": "English", "ko": "Korean", "ja": "Japanese", "zh": "Chinese", "es": "Spanish", "fr": "French",
           "de": "German", "und": "Undetermined", "other": "Other"},
    "ko": {"en": "영어", "ko": "한국어", "ja": "일본어", "zh": "중국어", "es": "스페인어", "fr": "프랑스어",
           "de": "독일어", "und": "미확인", "other": "기타"},
}

STRINGS: dict[str, dict[str, str]] = {
    # -- shell -----------------------------------------------------------------------------------
    "app.title": {"en": "viralscope", "ko": "viralscope"},
    "ui.language": {"en": "Language", "ko": "언어"},
    "nav.overview": {"en": "Overview", "ko": "개요"},
    "nav.mentions": {"en": "Mentions", "ko": "멘션"},
    "nav.sentiment": {"en": "Sentiment", "ko": "감성"},
    "nav.diffusion": {"en": "Diffusion", "ko": "확산"},
    "nav.crisis": {"en": "Crisis", "ko": "위기"},
    "nav.sources": {"en": "Sources", "ko": "소스"},
    "nav.reports": {"en": "Reports", "ko": "보고서"},
    "filters.title": {"en": "Filters", "ko": "필터"},
    "filters.period": {"en": "Period", "ko": "기간 선택"},
    "filters.period_pick": {"en": "Choose a ready-made period…", "ko": "미리 정한 기간 선택…"},
    "filters.period.all": {"en": "All data", "ko": "전체 데이터"},
    "filters.period.last7": {"en": "Last 7 days of data", "ko": "최근 7일"},
    "filters.period.last28": {"en": "Last 28 days of data", "ko": "최근 28일"},
    "filters.period.last90": {"en": "Last 90 days of data", "ko": "최근 90일"},
    "filters.dates": {"en": "Dates (both days included)", "ko": "기간 (시작일과 종료일 포함)"},
    "filters.brand": {"en": "Brand / competitor", "ko": "브랜드 / 경쟁사"},
    "filters.source": {"en": "Source", "ko": "소스"},
    "filters.language": {"en": "Language of the mention", "ko": "멘션 언어"},
    "filters.sentiment": {"en": "Sentiment", "ko": "감성"},
    "filters.all": {"en": "All", "ko": "전체"},
    "filters.none": {"en": "(none)", "ko": "(없음)"},
    "filters.reset": {"en": "Reset filters", "ko": "필터 초기화"},
    "filters.utc": {"en": "Times are UTC. The filters are part of the link: copy the address to share this view.",
                    "ko": "시간은 UTC 기준입니다. 필터는 주소에 포함되므로 주소를 복사해 이 화면을 공유할 수 있습니다."},
    "sentiment.positive": {"en": "Positive", "ko": "긍정"},
    "sentiment.neutral": {"en": "Neutral", "ko": "중립"},
    "sentiment.negative": {"en": "Negative", "ko": "부정"},
    "sentiment.unscored": {"en": "Not scored yet", "ko": "아직 분석 안 됨"},
    "auth.title": {"en": "Sign in", "ko": "로그인"},
    "auth.password": {"en": "Password", "ko": "비밀번호"},
    "auth.submit": {"en": "Sign in", "ko": "로그인"},
    "auth.wrong": {"en": "That password is not right.", "ko": "비밀번호가 올바르지 않습니다."},
    "error.busy": {"en": "The store is busy with a long write; this view will refresh when it is done.",
                   "ko": "저장소에 긴 쓰기 작업이 진행 중입니다. 끝나면 이 화면이 새로 고쳐집니다."},
    "empty.title": {"en": "No mentions yet", "ko": "아직 멘션이 없습니다"},
    "empty.body": {"en": "The store at `{path}` holds no mentions. Start with one of these:",
                   "ko": "`{path}` 저장소에 멘션이 없습니다. 다음 중 하나로 시작하세요:"},
    "empty.demo": {"en": "A realistic demo world (a brand, two competitors, a viral campaign and a crisis):",
                   "ko": "실제와 비슷한 데모 데이터 (브랜드, 경쟁사 두 곳, 바이럴 캠페인과 위기 상황):"},
    "empty.import": {"en": "Your own export from another tool (CSV or JSON Lines, see the mention contract):",
                     "ko": "다른 도구에서 내보낸 파일 (CSV 또는 JSON Lines, 멘션 규격 참고):"},
    "empty.collect": {"en": "Collect from a live source:", "ko": "실시간 소스에서 수집:"},
    "empty.analyze": {"en": "Then score sentiment and rebuild cascades:", "ko": "그다음 감성 분석과 캐스케이드 재구성:"},
    "empty.filtered": {"en": "No mentions match these filters. Widen the dates or clear a filter.",
                       "ko": "이 필터에 맞는 멘션이 없습니다. 기간을 넓히거나 필터를 해제하세요."},
    "empty.no_dates": {"en": "No mentions match these filters between {dates}; with the same filters, mentions "
                                "exist from {span}.",
                       "ko": "{dates} 사이에는 이 필터에 맞는 멘션이 없습니다. 같은 필터로 {span}에 멘션이 있습니다."},
    "empty.no_match": {"en": "No mentions match these brand, source, language and sentiment filters at any date "
                             "(checked beyond {dates}). Clear a filter.",
                       "ko": "이 브랜드, 소스, 언어, 감성 필터에 맞는 멘션이 어느 날짜에도 없습니다 ({dates} 밖까지 "
                             "확인함). 필터를 해제하세요."},
    "empty.show_span": {"en": "Show {span}", "ko": "{span} 보기"},
    "stage.missing": {"en": "{what} appears here once `{command}` has run on this store.",
                      "ko": "이 저장소에서 `{command}`을(를) 실행하면 {what}이(가) 여기에 표시됩니다."},
    "common.window": {"en": "Window", "ko": "기간"},
    "common.baseline": {"en": "Baseline", "ko": "비교 기간"},
    "common.n": {"en": "n", "ko": "표본 수"},
    "overview.no_baseline": {"en": "The window starts with the data, so there is no baseline to compare with: "
                                   "pick a shorter period (a campaign, the last 28 days) in the sidebar.",
                             "ko": "기간이 데이터 시작과 같아 비교할 기간이 없습니다. 사이드바에서 더 짧은 기간"
                                   "(캠페인, 최근 28일)을 고르세요."},
    "overview.more_kpis": {"en": "More KPIs", "ko": "추가 지표"},
    "overview.volume": {"en": "Volume", "ko": "멘션량"},
    "common.ci": {"en": "95% interval", "ko": "95% 구간"},
    "common.na": {"en": "n/a", "ko": "해당 없음"},
    "common.scope_brand": {"en": "Brand: {brand}", "ko": "브랜드: {brand}"},
    "common.scope_brands": {"en": "Brands: {brands}", "ko": "브랜드: {brands}"},
    "common.scope_all": {"en": "All brands in view", "ko": "보기의 모든 브랜드"},
    "common.own_data": {"en": "From {brand}'s own business data", "ko": "{brand}의 자체 비즈니스 데이터 기준"},
    "common.how": {"en": "How it is computed", "ko": "계산 방법"},
    "common.split": {"en": "Split by", "ko": "구분"},
    "common.dim.brand": {"en": "Brand", "ko": "브랜드"},
    "common.dim.source": {"en": "Source", "ko": "소스"},
    "common.dim.lang": {"en": "Language", "ko": "언어"},
    "common.dim.kind": {"en": "Kind", "ko": "유형"},
    "common.open": {"en": "Open ↗", "ko": "열기 ↗"},
    # -- columns ---------------------------------------------------------------------------------
    "col.created_at": {"en": "Time (UTC)", "ko": "시간 (UTC)"},
    "col.source": {"en": "Source", "ko": "소스"},
    "col.id": {"en": "ID", "ko": "ID"},
    "col.author_name": {"en": "Author", "ko": "작성자"},
    "col.author_followers": {"en": "Followers", "ko": "팔로워"},
    "col.kind": {"en": "Kind", "ko": "유형"},
    "col.brand": {"en": "Brand", "ko": "브랜드"},
    "col.lang": {"en": "Language", "ko": "언어"},
    "col.text": {"en": "Text", "ko": "내용"},
    "col.sentiment_label": {"en": "Sentiment", "ko": "감성"},
    "col.sentiment_compound": {"en": "Score (−1..1)", "ko": "점수 (−1..1)"},
    "col.likes": {"en": "Likes", "ko": "좋아요"},
    "col.shares": {"en": "Shares", "ko": "공유"},
    "col.replies": {"en": "Replies", "ko": "답글"},
    "col.cascade_id": {"en": "Cascade", "ko": "캐스케이드"},
    "col.depth": {"en": "Share order", "ko": "공유 차수"},
    "col.max_depth": {"en": "Depth", "ko": "깊이"},
    "col.link": {"en": "Original", "ko": "원문"},
    "col.size": {"en": "Size", "ko": "크기"},
    "col.max_breadth": {"en": "Max breadth", "ko": "최대 폭"},
    "col.structural_virality": {"en": "Structural virality", "ko": "구조적 바이럴성"},
    "col.started_at": {"en": "Started (UTC)", "ko": "시작 (UTC)"},
    "col.last_at": {"en": "Last share (UTC)", "ko": "마지막 공유 (UTC)"},
    "col.correction": {"en": "Corrected to", "ko": "수정된 감성"},
    # -- overview --------------------------------------------------------------------------------
    "overview.title": {"en": "Overview", "ko": "개요"},
    "overview.subtitle": {"en": "How much is said about the brand and its competitors, where, and how it changes.",
                          "ko": "브랜드와 경쟁사에 대해 어디서 얼마나 이야기되는지, 어떻게 변하는지 보여줍니다."},
    "overview.kpis": {"en": "Key figures", "ko": "핵심 지표"},
    "overview.kpis_of": {"en": "Key figures of {brand}", "ko": "{brand} 핵심 지표"},
    "overview.volume_of": {"en": "Volume — {scope}", "ko": "멘션량 — {scope}"},
    "overview.volume_brand": {"en": "Mention volume by brand", "ko": "브랜드별 멘션량"},
    "overview.volume_source": {"en": "Mention volume by source", "ko": "소스별 멘션량"},
    "overview.campaign": {"en": "Campaign: {name}", "ko": "캠페인: {name}"},
    # -- mentions --------------------------------------------------------------------------------
    "mentions.title": {"en": "Mentions", "ko": "멘션"},
    "mentions.subtitle": {"en": "Every mention behind the numbers: search, sort, open the original.",
                          "ko": "숫자 뒤의 모든 멘션: 검색하고 정렬하고 원문을 여세요."},
    "mentions.search": {"en": "Search text and author", "ko": "내용과 작성자 검색"},
    "mentions.sort": {"en": "Sort by", "ko": "정렬 기준"},
    "mentions.descending": {"en": "Largest / newest first", "ko": "큰 값 / 최신 순"},
    "mentions.page": {"en": "Page", "ko": "페이지"},
    "mentions.count": {"en": "{n} mentions match · page {page} of {pages}",
                       "ko": "일치하는 멘션 {n}개 · {pages}페이지 중 {page}페이지"},
    "mentions.field": {"en": "Field", "ko": "항목"},
    "mentions.value": {"en": "Value", "ko": "값"},
    "mentions.select": {"en": "Select a row to read the whole mention.", "ko": "행을 선택하면 멘션 전체를 볼 수 있습니다."},
    "mentions.detail": {"en": "Selected mention", "ko": "선택한 멘션"},
    "mentions.no_link": {"en": "No web link (only http and https links are opened).",
                         "ko": "웹 링크 없음 (http, https 링크만 엽니다)."},
    # -- sentiment -------------------------------------------------------------------------------
    "sentiment.title": {"en": "Sentiment", "ko": "감성"},
    "sentiment.subtitle": {"en": "How people feel about the brands, by source and language, and the mentions "
                                 "behind it.",
                           "ko": "소스와 언어별로 브랜드에 대한 감정과 그 뒤의 멘션을 보여줍니다."},
    "sentiment.what": {"en": "Sentiment", "ko": "감성 분석 결과"},
    "sentiment.over_time": {"en": "Share of negative mentions over time", "ko": "시간에 따른 부정 멘션 비율"},
    "sentiment.labels_time": {"en": "Mentions by sentiment over time", "ko": "시간에 따른 감성별 멘션"},
    "sentiment.by_group": {"en": "Sentiment mix", "ko": "감성 구성"},
    "sentiment.share_note": {"en": "Share of negative = negative / scored mentions in each period; periods with "
                                   "fewer than {min} scored mentions are left out.",
                             "ko": "부정 비율 = 각 기간의 부정 멘션 / 분석된 멘션. 분석된 멘션이 {min}개 미만인 "
                                   "기간은 제외합니다."},
    "sentiment.table": {"en": "Mentions with their scores", "ko": "점수가 매겨진 멘션"},
    "sentiment.order": {"en": "Show", "ko": "보기"},
    "sentiment.order.negative": {"en": "Most negative first", "ko": "가장 부정적인 것부터"},
    "sentiment.order.positive": {"en": "Most positive first", "ko": "가장 긍정적인 것부터"},
    "sentiment.order.recent": {"en": "Newest first", "ko": "최신 순"},
    "sentiment.correct": {"en": "Correct a label", "ko": "감성 라벨 수정"},
    "sentiment.correct_help": {"en": "Select a mention above, choose the right label and save. Corrections are "
                                     "kept as training labels for the sentiment model.",
                               "ko": "위에서 멘션을 선택하고 올바른 라벨을 골라 저장하세요. 수정 내용은 감성 "
                                     "모델의 학습 라벨로 보관됩니다."},
    "sentiment.correct_label": {"en": "Right label", "ko": "올바른 라벨"},
    "sentiment.correct_save": {"en": "Save correction", "ko": "수정 저장"},
    "sentiment.correct_saved": {"en": "Saved: {source}/{id} is now labelled {label}. The correction is used the "
                                      "next time the model is trained.",
                                "ko": "저장했습니다: {source}/{id}의 라벨은 이제 {label}입니다. 다음 모델 학습 때 "
                                      "반영됩니다."},
    # charts (dashboard.charts, drawn on every page)
    "chart.time": {"en": "Time (UTC)", "ko": "시간 (UTC)"},
    "chart.mentions.hour": {"en": "Mentions per hour", "ko": "시간당 멘션 수"},
    "chart.mentions.day": {"en": "Mentions per day", "ko": "일별 멘션 수"},
    "chart.mentions.week": {"en": "Mentions per week", "ko": "주별 멘션 수"},
    "chart.scored.hour": {"en": "Scored mentions per hour", "ko": "시간당 분석된 멘션 수"},
    "chart.scored.day": {"en": "Scored mentions per day", "ko": "일별 분석된 멘션 수"},
    "chart.scored.week": {"en": "Scored mentions per week", "ko": "주별 분석된 멘션 수"},
    "chart.negative_share": {"en": "Negative / scored mentions", "ko": "부정 / 분석된 멘션"},
    "chart.share_of_mentions": {"en": "Share of the group's mentions", "ko": "그룹 멘션 중 비율"},
    "chart.mentions_all": {"en": "Mentions", "ko": "멘션 수"},
    "chart.mentions_log": {"en": "Mentions (log scale)", "ko": "멘션 수 (로그 눈금)"},
    "chart.negative_per_hour": {"en": "Negative mentions per hour", "ko": "시간당 부정 멘션 수"},
    "chart.trait": {"en": "Trait", "ko": "특성"},
    "chart.collapsed": {"en": "Collapsed branches (+k more)", "ko": "접힌 가지 (+k개 더)"},
    # -- diffusion -------------------------------------------------------------------------------
    "diffusion.title": {"en": "Diffusion", "ko": "확산"},
    "diffusion.subtitle": {"en": "How far and how deep posts spread: cascades, share orders and who re-ignited them.",
                           "ko": "게시물이 얼마나 멀리, 깊이 퍼졌는지: 캐스케이드, 공유 차수, 재확산을 일으킨 계정."},
    "diffusion.top": {"en": "Top cascades", "ko": "상위 캐스케이드"},
    "diffusion.order": {"en": "Rank by", "ko": "순위 기준"},
    "diffusion.order.size": {"en": "Size", "ko": "크기"},
    "diffusion.order.depth": {"en": "Depth", "ko": "깊이"},
    "diffusion.order.breadth": {"en": "Breadth", "ko": "폭"},
    "diffusion.order.virality": {"en": "Structural virality", "ko": "구조적 바이럴성"},
    "diffusion.order.recent": {"en": "Most recent", "ko": "최근 순"},
    "diffusion.top_note": {"en": "Cascades whose original post matches the filters; size counts every mention of "
                                 "the tree. Depth = largest share order; breadth = most mentions at one order.",
                           "ko": "원본 게시물이 필터에 맞는 캐스케이드. 크기는 트리의 모든 멘션 수, 깊이는 최대 "
                                 "공유 차수, 폭은 한 차수의 최대 멘션 수입니다."},
    "diffusion.virality_note": {"en": "Structural virality ν = 2W / (n(n−1)), W the sum of distances between all "
                                      "pairs of the tree (Goel et al. 2016): near 2 for a broadcast, large for "
                                      "person-to-person spread. Ranked among the {k} largest cascades.",
                                "ko": "구조적 바이럴성 ν = 2W / (n(n−1)), W는 트리의 모든 노드 쌍 거리의 합 "
                                      "(Goel 외 2016). 방송형은 2에 가깝고 사람 간 전파일수록 큽니다. 가장 큰 "
                                      "{k}개 캐스케이드 중 순위입니다."},
    "diffusion.no_cascades": {"en": "No cascade of two or more mentions matches these filters.",
                              "ko": "이 필터에 맞는 두 개 이상의 멘션으로 된 캐스케이드가 없습니다."},
    "diffusion.orders": {"en": "Share-order distribution", "ko": "공유 차수 분포"},
    "diffusion.orders_note": {"en": "Share order = hops from the original post (1st-order share = a direct reshare "
                                    "or reply). Mentions in the filters, originals excluded.",
                              "ko": "공유 차수 = 원본 게시물로부터의 단계 (1차 공유 = 직접 공유 또는 답글). 필터에 "
                                    "맞는 멘션, 원본 제외."},
    "diffusion.order_label": {"en": "order {d}", "ko": "{d}차"},
    "diffusion.order_label_plus": {"en": "order {d}+", "ko": "{d}차 이상"},
    "diffusion.tree": {"en": "Cascade tree", "ko": "캐스케이드 트리"},
    "diffusion.pick": {"en": "Cascade", "ko": "캐스케이드"},
    "diffusion.tree_note": {"en": "{total} mentions; x = share order. Larger dots re-ignited more of the cascade.",
                            "ko": "멘션 {total}개, 가로축 = 공유 차수. 점이 클수록 더 많은 재확산을 일으켰습니다."},
    "diffusion.tree_collapsed": {"en": "Showing the {shown} mentions with the largest sub-cascades; grey dots stand "
                                       "for the {hidden} others.",
                                 "ko": "하위 캐스케이드가 가장 큰 멘션 {shown}개를 표시합니다. 회색 점은 나머지 "
                                       "{hidden}개를 나타냅니다."},
    "diffusion.top_click": {"en": "Click a row to open its tree below.", "ko": "행을 클릭하면 아래에 트리가 열립니다."},
    "diffusion.linked": {"en": "Linked cascade", "ko": "링크된 캐스케이드"},
    "diffusion.linked_missing": {"en": "No cascade has the id {id} in this store.",
                                 "ko": "이 저장소에는 ID가 {id}인 캐스케이드가 없습니다."},
    "diffusion.detail": {"en": "Original post of the selected cascade", "ko": "선택한 캐스케이드의 원본 게시물"},
    "diffusion.more": {"en": "+{n} more ({size} mentions)", "ko": "+{n}개 더 (멘션 {size}개)"},
    "diffusion.triggers": {"en": "Trigger accounts", "ko": "트리거 계정"},
    "diffusion.traits": {"en": "Content traits that made posts spread", "ko": "확산을 일으킨 콘텐츠 특성"},
    "diffusion.forecasts": {"en": "Forecasts for active cascades", "ko": "진행 중인 캐스케이드 예측"},
    "diffusion.why": {"en": "Why it spread", "ko": "확산된 이유"},
    "diffusion.why_note": {"en": "Cascades whose original post was written in the window and matches the brand, source "
                                 "and language filters (with every later share). The sentiment filter does not apply "
                                 "here: a post's sentiment is one of the traits measured.",
                           "ko": "기간 안에 작성되고 브랜드·소스·언어 필터에 맞는 원본 게시물의 캐스케이드 (이후의 "
                                 "모든 공유 포함). 감성 필터는 적용하지 않습니다: 게시물의 감성도 측정하는 특성 중 "
                                 "하나입니다."},
    "diffusion.triggers_note": {"en": "A share re-ignited a cascade when at least {d} mentions descend from it and they "
                                      "are at least {pct} of the cascade's other mentions. Accounts ranked by the "
                                      "descendants their re-igniting shares triggered; {n} accounts in all.",
                                "ko": "어떤 공유에서 {d}개 이상의 멘션이 이어지고, 그것이 캐스케이드의 다른 멘션 중 "
                                      "{pct} 이상이면 그 공유가 캐스케이드를 재점화한 것입니다. 재점화한 공유가 일으킨 "
                                      "후속 멘션 수로 순위를 매겼습니다. 전체 {n}개 계정."},
    "diffusion.no_triggers": {"en": "No share re-ignited a cascade whose original post matches these filters.",
                              "ko": "이 필터에 맞는 원본 게시물의 캐스케이드를 재점화한 공유가 없습니다."},
    "diffusion.traits_compute": {"en": "Measure which content traits made posts spread",
                                 "ko": "어떤 콘텐츠 특성이 확산을 일으켰는지 측정"},
    "diffusion.traits_help": {"en": "A logistic regression on every original post of this view (seconds on a large "
                                    "store); it stays computed for the rest of the session.",
                              "ko": "이 화면의 모든 원본 게시물에 대한 로지스틱 회귀입니다 (큰 저장소에서는 몇 초). "
                                    "한 번 계산하면 세션 동안 유지됩니다."},
    "diffusion.traits_chart": {"en": "Effect of each trait on the odds of going viral",
                               "ko": "각 특성이 바이럴 확률(오즈)에 미친 효과"},
    "diffusion.traits_axis": {"en": "change in log-odds of going viral (95% interval)",
                              "ko": "바이럴 로그 오즈 변화 (95% 구간)"},
    "diffusion.traits_hover": {"en": "effect %{x:.2f} (95%: %{customdata[0]:.2f} … %{customdata[1]:.2f})<br>odds "
                                     "×%{customdata[2]:.2f} · p (Holm) %{customdata[3]:.3f}",
                               "ko": "효과 %{x:.2f} (95%: %{customdata[0]:.2f} … %{customdata[1]:.2f})<br>오즈 "
                                     "×%{customdata[2]:.2f} · p (Holm) %{customdata[3]:.3f}"},
    "diffusion.traits_significant": {"en": "Clear effect (Holm-adjusted)", "ko": "뚜렷한 효과 (Holm 보정)"},
    "diffusion.traits_unclear": {"en": "Not distinguishable from no effect", "ko": "효과 없음과 구별 안 됨"},
    "diffusion.traits_auc": {"en": "AUC (cross-validated)", "ko": "AUC (교차 검증)"},
    "diffusion.traits_auc_help": {"en": "How well the traits predict which posts go viral: the chance that a viral "
                                        "post gets a higher score than a post that did not spread.",
                                  "ko": "특성이 어떤 게시물이 바이럴될지 예측하는 정도: 바이럴 게시물이 확산되지 않은 "
                                        "게시물보다 높은 점수를 받을 확률."},
    "diffusion.traits_auc_note": {"en": "95% interval {low} … {high} (DeLong). 0.5 = no better than a coin, 1 = "
                                        "perfect. Viral = a cascade of at least {threshold} mentions (the top 10% "
                                        "of posts); {n} posts, {viral} of them viral.",
                                  "ko": "95% 구간 {low} … {high} (DeLong). 0.5 = 동전 던지기 수준, 1 = 완벽. 바이럴 "
                                        "= 멘션 {threshold}개 이상의 캐스케이드 (상위 10% 게시물). 게시물 {n}개 중 "
                                        "{viral}개가 바이럴."},
    "diffusion.traits_unreliable": {"en": "No reliable trigger found: the AUC's interval does not lie above 0.5, so "
                                          "these traits predict going viral no better than a coin in this view. The effects below "
                                          "are shown for completeness; do not act on them.",
                                    "ko": "신뢰할 만한 요인을 찾지 못했습니다: AUC 구간이 0.5보다 높지 않으므로 이 화면에서는 "
                                          "특성이 동전 던지기보다 나은 예측을 하지 못합니다. 아래 효과는 참고용이며 "
                                          "근거로 삼지 마세요."},
    "diffusion.traits_summary": {"en": "Traits predict going viral (AUC {auc}, 95% interval {low}–{high}); clearest "
                                       "effects: {named}.",
                                 "ko": "특성이 바이럴 여부를 예측합니다 (AUC {auc}, 95% 구간 {low}–{high}). 가장 뚜렷한 "
                                       "효과: {named}."},
    "diffusion.traits_summary_flat": {"en": "Traits predict going viral (AUC {auc}, 95% interval {low}–{high}); no "
                                            "single trait stands out.",
                                      "ko": "특성이 바이럴 여부를 예측합니다 (AUC {auc}, 95% 구간 {low}–{high}). "
                                            "두드러지는 단일 특성은 없습니다."},
    "diffusion.traits_summary_none": {"en": "No reliable trigger found: the traits do not predict going viral better "
                                            "than chance (AUC {auc}, 95% interval {low}–{high}).",
                                      "ko": "신뢰할 만한 요인을 찾지 못했습니다: 특성이 우연보다 나은 예측을 하지 "
                                            "못합니다 (AUC {auc}, 95% 구간 {low}–{high})."},
    "diffusion.quality": {"en": "{auc}, accuracy {accuracy} (always guessing the majority: {majority}), median "
                                "relative error of the final size {error} — time-ordered: learned from older "
                                "cascades, tested on the newest {n}{of} in {folds} blocks, each cascade seen for {m} "
                                "minutes",
                          "ko": "{auc}, 정확도 {accuracy} (항상 다수 쪽으로 추측할 때: {majority}), 최종 크기의 상대 "
                                "오차 중앙값 {error} — 시간 순서 검증: 더 오래된 캐스케이드로 학습하고 가장 최근 {n}개{of}를 "
                                "{folds}개 구간으로 나눠 시험 (각각 {m}분 관찰)"},
    "diffusion.quality_of": {"en": " of {n}", "ko": "(전체 {n}개 중)"},
    "diffusion.quality_auc": {"en": "doubling AUC {auc} (95% interval {low}–{high})",
                              "ko": "두 배 성장 AUC {auc} (95% 구간 {low}–{high})"},
    "diffusion.quality_auc_na": {"en": "doubling AUC n/a (every cascade did the same)",
                                 "ko": "두 배 성장 AUC 없음 (모든 캐스케이드가 같은 결과)"},
    "diffusion.traits_method": {"en": "Logistic regression of \"went viral\" on standardized traits; effects are "
                                      "changes in log-odds (per presence for a yes/no trait, per standard deviation "
                                      "otherwise) with Wald intervals; \"clear\" means Holm-adjusted p < 0.05 over "
                                      "all traits. Posts younger than two days before the newest mention are left "
                                      "out (still spreading).",
                                "ko": "표준화한 특성으로 \"바이럴 여부\"를 로지스틱 회귀. 효과는 로그 오즈 변화 "
                                      "(예/아니오 특성은 있을 때, 그 밖에는 표준편차당)이며 왈드 구간입니다. "
                                      "\"뚜렷함\"은 모든 특성에 대한 Holm 보정 p < 0.05. 최신 멘션보다 2일 이내의 "
                                      "게시물은 아직 확산 중이라 제외합니다."},
    "diffusion.insufficient": {"en": "Not enough data here: {reason}.", "ko": "데이터가 부족합니다: {reason}."},
    "diffusion.forecasts_compute": {"en": "Forecast the growth of active cascades", "ko": "진행 중인 캐스케이드 성장 예측"},
    "diffusion.forecasts_help": {"en": "Learns from the store's latest finished cascades first (up to a minute on a "
                                       "large store, once per store update).",
                                 "ko": "먼저 저장소의 최근 완료된 캐스케이드로 학습합니다 (큰 저장소에서 최대 1분, "
                                       "저장소가 갱신될 때마다 한 번)."},
    "diffusion.forecasts_note": {"en": "Cascades whose original post matches the filters and was written between {since}"
                                       " and {now}, once watched for {m} minutes; most likely to double first. The "
                                       "forecast reads the first {m} minutes only; \"size so far\" is what the "
                                       "cascade has reached since, to compare with. "
                                       "The model learned from up to {k} of the store's latest cascades that had at "
                                       "least 72 hours to finish, across every brand, source and language (how a "
                                       "cascade grows does not depend on the filters, and more finished cascades "
                                       "measure the model better). Its quality on newer cascades than it learned from: {quality}.",
                                 "ko": "원본 게시물이 필터에 맞고 {since}부터 {now} 사이에 작성되었으며 {m}분 "
                                       "동안 관찰된 캐스케이드. 두 배가 될 가능성이 높은 순서입니다. 예측은 처음 {m}분만 "
                                       "보고, \"현재 크기\"는 그 뒤 지금까지 도달한 크기로 비교용입니다. 모델은 모든 "
                                       "브랜드·소스·언어에 걸쳐 72시간 이상 지나 완료된 최근 캐스케이드 최대 {k}개로 "
                                       "학습했습니다 (캐스케이드의 성장 방식은 필터와 무관하고, 완료된 캐스케이드가 "
                                       "많을수록 모델을 더 잘 평가할 수 있습니다). 학습보다 새로운 캐스케이드에서 측정한 품질: {quality}."},
    "col.observed_size": {"en": "Size after 1 hour", "ko": "1시간 후 크기"},
    "col.size_so_far": {"en": "Size so far", "ko": "현재 크기"},
    "col.predicted_size": {"en": "Predicted final size", "ko": "예상 최종 크기"},
    "col.p_double": {"en": "Chance to double", "ko": "두 배가 될 확률"},
    "col.followers": {"en": "Followers", "ko": "팔로워"},
    "col.reignitions": {"en": "Re-ignitions", "ko": "재점화 횟수"},
    "col.descendants_triggered": {"en": "Mentions triggered", "ko": "일으킨 멘션"},
    "col.largest_fraction": {"en": "Largest share of a cascade", "ko": "캐스케이드 최대 비중"},
    "col.cascades": {"en": "Cascades", "ko": "캐스케이드 수"},
    "col.descendants_per_1k_followers": {"en": "Mentions per 1,000 followers", "ko": "팔로워 1,000명당 멘션"},
    "trait.media": {"en": "Image or video", "ko": "이미지 또는 동영상"},
    "trait.personalization": {"en": "Addresses the reader", "ko": "독자에게 말을 건넴"},
    "trait.surprise": {"en": "Surprise wording", "ko": "놀람 표현"},
    "trait.storytelling": {"en": "Tells a story", "ko": "경험담"},
    "trait.question_cta": {"en": "Question or call to action", "ko": "질문 또는 행동 유도"},
    "trait.hashtags": {"en": "Hashtags (per SD)", "ko": "해시태그 (표준편차당)"},
    "trait.mentions": {"en": "@mentions (per SD)", "ko": "@멘션 (표준편차당)"},
    "trait.links": {"en": "Links (per SD)", "ko": "링크 (표준편차당)"},
    "trait.sentiment": {"en": "Sentiment (per SD)", "ko": "감성 (표준편차당)"},
    "trait.author_reach": {"en": "Author's reach (per SD of log followers)", "ko": "작성자 도달력 (로그 팔로워 표준편차당)"},
    "trait.hour_night": {"en": "Posted 00–06 UTC (vs 12–18)", "ko": "00–06시 UTC 게시 (12–18시 대비)"},
    "trait.hour_morning": {"en": "Posted 06–12 UTC (vs 12–18)", "ko": "06–12시 UTC 게시 (12–18시 대비)"},
    "trait.hour_evening": {"en": "Posted 18–24 UTC (vs 12–18)", "ko": "18–24시 UTC 게시 (12–18시 대비)"},
    "trait.weekend": {"en": "Posted on a weekend", "ko": "주말 게시"},
    "trait.theme": {"en": "Theme: {name}", "ko": "주제: {name}"},
    "trait.source": {"en": "Posted on {name} (vs the most common source)", "ko": "{name}에 게시 (가장 많은 소스 대비)"},
    # -- crisis ----------------------------------------------------------------------------------
    "crisis.title": {"en": "Crisis", "ko": "위기"},
    "crisis.subtitle": {"en": "Is a crisis starting? Negative mentions hour by hour against what the season "
                              "predicts.",
                        "ko": "위기가 시작되고 있나요? 시간별 부정 멘션을 계절성 예측과 비교합니다."},
    "crisis.hourly": {"en": "Negative mentions per hour", "ko": "시간별 부정 멘션"},
    "crisis.observed": {"en": "Negative (observed)", "ko": "부정 (관측)"},
    "crisis.expected": {"en": "Expected", "ko": "예상"},
    "crisis.status_ok": {"en": "No incident open: negative mentions are within what the season predicts.",
                         "ko": "진행 중인 사건 없음: 부정 멘션이 계절성 예측 범위 안에 있습니다."},
    "crisis.status_open": {"en": "Incident open since {start} — severity {severity}, {ratio} the expected "
                                 "negative volume.",
                           "ko": "{start}부터 사건 진행 중 — 심각도 {severity}, 예상 부정량의 {ratio}."},
    "crisis.timeline": {"en": "Incident timeline", "ko": "사건 타임라인"},
    "crisis.none": {"en": "No incident in this period.", "ko": "이 기간에 사건이 없습니다."},
    "crisis.drivers": {"en": "What drives it", "ko": "원인"},
    "crisis.find_drivers": {"en": "Find the posts and terms driving it", "ko": "원인 게시물과 단어 찾기"},
    "crisis.compute_response": {"en": "Compute response times for this view", "ko": "이 화면의 응답 시간 계산"},
    "crisis.terms": {"en": "Emerging terms", "ko": "급증 단어"},
    "crisis.response": {"en": "Response times", "ko": "응답 시간"},
    "crisis.no_accounts": {"en": "Response times need the brand's own accounts in the configuration "
                                 "(`[brand] accounts = [...]`).",
                           "ko": "응답 시간에는 설정 파일의 브랜드 계정이 필요합니다 (`[brand] accounts = [...]`)."},
    "crisis.unscored": {"en": "Crisis detection reads sentiment", "ko": "위기 감지에는 감성 분석이 필요합니다"},
    "crisis.status_open_new": {"en": "Incident open since {start} — severity {severity}: a new burst, with fewer "
                                     "than one negative mention expected (no baseline to compare with).",
                               "ko": "{start}부터 사건 진행 중 — 심각도 {severity}: 예상 부정 멘션이 1건도 안 되던 "
                                     "새로운 급증입니다 (비교할 기준 없음)."},
    "crisis.unjudged": {"en": "From {start} to {end}, {negatives} negative mentions could not be judged: too little "
                                "history came before them to know what to expect (a brand whose first mentions are "
                                "already a burst). Read them in the chart; no incident is claimed or ruled out there.",
                         "ko": "{start}부터 {end}까지의 부정 멘션 {negatives}건은 판단할 수 없었습니다: 그 전에 쌓인 기록이 "
                               "너무 적어 예상치를 알 수 없습니다(첫 멘션부터 급증한 브랜드). 차트에서 직접 확인하세요. "
                               "이 구간에 대해서는 사건이 있다고도 없다고도 말하지 않습니다."},
    "crisis.history": {"en": "Not enough history to detect incidents yet: {days} days of the {needed} needed.",
                       "ko": "사건을 감지하기에 기록이 부족합니다: 필요한 {needed}일 중 {days}일."},
    "crisis.new_burst": {"en": "new burst", "ko": "새로운 급증"},
    "crisis.posts": {"en": "Driving posts", "ko": "원인 게시물"},
    "crisis.volume": {"en": "Volume spikes", "ko": "언급량 급증"},
    "crisis.volume_caption": {"en": "All mentions of the brand and, apart, of each competitor against what the "
                                    "season predicts: launches, viral posts, news.",
                              "ko": "브랜드와 각 경쟁사의 전체 멘션을 계절성 예측과 따로 비교합니다: 출시, 바이럴 게시물, 뉴스."},
    "crisis.volume_none": {"en": "No volume spike in this period.", "ko": "이 기간에 언급량 급증이 없습니다."},
    "crisis.volume_history": {"en": "{brand}: not enough history for volume spikes yet: {days} days of the "
                                    "{needed} needed.",
                              "ko": "{brand}: 언급량 급증을 감지하기에 기록이 부족합니다: 필요한 {needed}일 중 {days}일."},
    "crisis.volume_drivers": {"en": "What drives this spike", "ko": "이 급증의 원인"},
    "crisis.find_posts": {"en": "Find the posts driving it", "ko": "원인 게시물 찾기"},
    "crisis.competitor": {"en": "{brand} (competitor)", "ko": "{brand} (경쟁사)"},
    "crisis.severity.moderate": {"en": "moderate", "ko": "보통"},
    "crisis.severity.high": {"en": "high", "ko": "높음"},
    "crisis.severity.critical": {"en": "critical", "ko": "심각"},
    "crisis.ratio": {"en": "{ratio}×", "ko": "{ratio}배"},
    "crisis.ratio_above": {"en": "> {cap}×", "ko": "{cap}배 초과"},
    "crisis.covers_default": {"en": "Incidents of {brand}, the configured brand — the same incidents as the "
                                    "Overview's crisis card, the alerts and the weekly report. Choose brands in the "
                                    "sidebar to see others.",
                              "ko": "설정된 브랜드 {brand}의 사건입니다 — 개요의 위기 카드, 알림, 주간 보고서와 같은 "
                                    "사건입니다. 다른 브랜드를 보려면 사이드바에서 브랜드를 고르세요."},
    "crisis.covers_filter": {"en": "Incidents of {brands} (the brand filter).",
                             "ko": "{brands}의 사건입니다 (브랜드 필터)."},
    "crisis.covers_all": {"en": "Incidents of all mentions: no brand is configured, or the store holds none of its "
                                "mentions.",
                          "ko": "전체 멘션의 사건입니다: 설정된 브랜드가 없거나 저장소에 그 브랜드의 멘션이 없습니다."},
    "crisis.status.open": {"en": "Open", "ko": "진행 중"},
    "crisis.status.ended": {"en": "Ended", "ko": "종료"},
    "crisis.channel.count": {"en": "Number of negatives", "ko": "부정 건수"},
    "crisis.channel.share": {"en": "Share of negatives", "ko": "부정 비율"},
    "crisis.channel.both": {"en": "Number and share", "ko": "건수와 비율"},
    "crisis.channel_caption": {
        "en": "Seen in — how the incident showed. Number of negatives: far more negative mentions than usual for "
              "that hour and weekday, with a larger negative share too (a surge of all mentions alone does not "
              "count). Share of negatives: a far larger part of all mentions was negative than usual for that "
              "hour, even at normal volume (how a night-time crisis shows). Number and share: both at once.",
        "ko": "감지 채널 — 사건이 드러난 방식입니다. 부정 건수: 그 요일·시간대의 평소보다 부정 멘션이 훨씬 많고 부정 "
              "비율도 올랐습니다 (전체 멘션만 늘어난 경우는 해당하지 않습니다). 부정 비율: 멘션량이 평소와 같아도 그 "
              "시간대의 평소보다 전체 멘션 중 부정의 비중이 훨씬 컸습니다 (밤사이 위기가 이렇게 드러납니다). 건수와 "
              "비율: 둘 다 동시에."},
    "crisis.ratio_caption": {"en": "× expected: the incident's negative mentions divided by what the season predicts "
                                   "for those hours. {cap} or \"new burst\": almost none were expected, so the ratio "
                                   "says little — read the counts.",
                             "ko": "예상 대비 배수: 사건 중 부정 멘션 수를 그 시간대의 계절성 예측으로 나눈 값입니다. "
                                   "{cap} 또는 \"새로운 급증\"은 예상이 거의 0이었다는 뜻이라 배수보다 건수를 보세요."},
    "crisis.response_caption": {"en": "Answered: of the complaints and questions written during the incident that are "
                                      "at least {hours} hours old, the share a brand account answered within {hours} "
                                      "hours; median time to the first answer among those answered (accounts: "
                                      "[brand] accounts).",
                                "ko": "답변: 사건 중 작성되어 {hours}시간 이상 지난 불만과 질문 가운데 브랜드 계정이 "
                                      "{hours}시간 안에 답한 비율과, 답을 받은 것의 첫 답변까지 걸린 시간의 중앙값입니다 "
                                      "(계정: [brand] accounts)."},
    "crisis.response_na": {"en": "n/a: {reason}", "ko": "해당 없음: {reason}"},
    "crisis.response_na_all": {"en": "Answered and time to answer are n/a for every incident: {reason}.",
                               "ko": "모든 사건의 답변율과 답변 시간을 계산할 수 없습니다: {reason}."},
    "crisis.response_rate_of": {"en": "{rate} of {n}", "ko": "{n}건 중 {rate}"},
    "crisis.col.status": {"en": "Status", "ko": "상태"},
    "crisis.col.start": {"en": "Start (UTC)", "ko": "시작 (UTC)"},
    "crisis.col.end": {"en": "End (UTC)", "ko": "끝 (UTC)"},
    "crisis.col.severity": {"en": "Severity", "ko": "심각도"},
    "crisis.col.negatives": {"en": "Negative mentions", "ko": "부정 멘션"},
    "crisis.col.expected": {"en": "Expected", "ko": "예상"},
    "crisis.col.ratio": {"en": "× expected", "ko": "예상 대비 배수"},
    "crisis.col.response_rate": {"en": "Answered", "ko": "답변율"},
    "crisis.col.response_time": {"en": "Median time to answer", "ko": "답변 시간 중앙값"},
    "crisis.col.channel": {"en": "Seen in", "ko": "감지 채널"},
    "crisis.col.brand": {"en": "Brand", "ko": "브랜드"},
    "crisis.col.observed_all": {"en": "Mentions", "ko": "멘션"},
    "crisis.col.observed_negative": {"en": "Negative mentions in its thread", "ko": "스레드의 부정 멘션"},
    "crisis.col.text": {"en": "Post", "ko": "게시물"},
    "crisis.col.author": {"en": "Author (pseudonym)", "ko": "작성자 (가명)"},
    "crisis.col.followers": {"en": "Followers", "ko": "팔로워"},
    "crisis.col.shares": {"en": "Shares", "ko": "공유"},
    "crisis.col.posted": {"en": "Posted (UTC)", "ko": "게시 (UTC)"},
    "crisis.col.link": {"en": "Post link", "ko": "게시물 링크"},
    "crisis.col.diffusion": {"en": "Cascade", "ko": "캐스케이드"},
    "crisis.col.term": {"en": "Term", "ko": "단어"},
    "crisis.col.term_count": {"en": "Mentions in the incident", "ko": "사건 중 멘션"},
    "crisis.col.term_ratio": {"en": "× the week before", "ko": "직전 주 대비 배수"},
    "crisis.col.sent_at": {"en": "Sent (UTC)", "ko": "발송 (UTC)"},
    "crisis.col.what": {"en": "What", "ko": "내용"},
    "crisis.col.incident_start": {"en": "Incident start (UTC)", "ko": "사건 시작 (UTC)"},
    "crisis.col.target": {"en": "Sent to", "ko": "발송 대상"},
    "crisis.col.state": {"en": "State", "ko": "상태"},
    "crisis.help.end": {"en": "The end of the last hour flagged (an open incident: the end of the data so far).",
                        "ko": "마지막으로 감지된 시간의 끝 (진행 중인 사건은 지금까지의 데이터 끝)."},
    "crisis.help.severity": {"en": "Moderate below 3× the expected number, high below 5×, critical from 5×.",
                             "ko": "예상의 3배 미만은 보통, 5배 미만은 높음, 5배 이상은 심각."},
    "crisis.help.negatives": {"en": "Negative mentions during the incident.", "ko": "사건 동안의 부정 멘션 수."},
    "crisis.help.expected": {"en": "Negative mentions the season predicts for the same hours.",
                             "ko": "같은 시간대에 계절성으로 예상되는 부정 멘션 수."},
    "crisis.help.ratio": {"en": "Negative mentions divided by the expected number.",
                          "ko": "부정 멘션 수를 예상 수로 나눈 값."},
    "crisis.help.response_rate": {"en": "Share of the incident's complaints and questions that a brand account "
                                        "answered (of those old enough to count).",
                                  "ko": "사건의 불만과 질문 중 브랜드 계정이 답한 비율 (집계할 만큼 지난 것 기준)."},
    "crisis.help.response_time": {"en": "Median time from a complaint or question to the brand's first answer.",
                                  "ko": "불만이나 질문에서 브랜드의 첫 답변까지 걸린 시간의 중앙값."},
    "crisis.help.channel": {"en": "Number of negatives: more negative posts than usual for the hour. Share of "
                                  "negatives: a larger part of all mentions negative. Number and share: both.",
                            "ko": "부정 건수: 그 시간대 평소보다 부정 게시물이 많음. 부정 비율: 전체 멘션 중 부정의 "
                                  "비중이 커짐. 건수와 비율: 둘 다."},
    "crisis.help.author": {"en": "A pseudonym, as in the reports and exports; the brands' own accounts are named.",
                           "ko": "보고서와 내보내기와 같은 가명입니다. 브랜드 자체 계정은 이름이 표시됩니다."},
    "crisis.help.observed": {"en": "The incident's mentions in the thread this post started.",
                             "ko": "이 게시물이 시작한 스레드에 있는 사건 중 멘션 수."},
    "crisis.help.reach": {"en": "As the source reported them.", "ko": "소스가 알려준 값입니다."},
    "crisis.help.diffusion": {"en": "Opens the thread's tree on the Diffusion page.",
                              "ko": "확산 페이지에서 이 스레드의 트리를 엽니다."},
    "crisis.help.term_count": {"en": "Mentions of the incident holding the term.",
                               "ko": "이 단어가 들어 있는 사건 중 멘션 수."},
    "crisis.help.term_ratio": {"en": "How much more often the term appears than in the week before the incident.",
                               "ko": "사건 직전 주보다 이 단어가 얼마나 더 자주 나오는지."},
    "crisis.help.volume_observed": {"en": "All mentions during the spike.", "ko": "급증 동안의 전체 멘션 수."},
    "crisis.help.volume_expected": {"en": "Mentions the season predicts for the same hours.",
                                    "ko": "같은 시간대에 계절성으로 예상되는 멘션 수."},
    "crisis.help.volume_ratio": {"en": "Mentions divided by the expected number.", "ko": "멘션 수를 예상 수로 나눈 값."},
    "crisis.help.target": {"en": "The kind of target only: the webhook's address and the mail login stay in the "
                                 "environment.",
                           "ko": "대상의 종류만 표시합니다: 웹훅 주소와 메일 로그인 정보는 환경 변수에만 있습니다."},
    "crisis.help.state": {"en": "Uncertain: a check stopped while sending, so the alert may not have arrived; it is "
                                "not sent again.",
                          "ko": "불확실: 발송 중 확인이 중단되어 알림이 도착하지 않았을 수 있으며, 다시 보내지 않습니다."},
    "crisis.open_cascade": {"en": "Open in Diffusion", "ko": "확산에서 열기"},
    "crisis.no_posts": {"en": "No original post of the driving threads is in the store.",
                        "ko": "원인 스레드의 원본 게시물이 저장소에 없습니다."},
    "crisis.no_terms": {"en": "No term stands out against the week before.",
                        "ko": "직전 주와 비교해 두드러지는 단어가 없습니다."},
    "crisis.new_term": {"en": "new", "ko": "새 단어"},
    "crisis.alerts": {"en": "Alert history", "ko": "알림 기록"},
    "crisis.alerts_caption": {"en": "{n} alerts sent, newest first.", "ko": "보낸 알림 {n}건, 최신순."},
    "crisis.alerts_none": {"en": "No alert has been sent yet. Alerts go out when `viralscope watch` runs (or "
                                 "`viralscope alerts check --notify`), to the targets of the configuration's "
                                 "`[alerts]` section: a webhook (`webhook_env`) and/or e-mail (`email_to`).",
                           "ko": "아직 보낸 알림이 없습니다. 알림은 `viralscope watch` (또는 `viralscope alerts check "
                                 "--notify`)가 실행될 때 설정 파일 `[alerts]` 섹션의 대상으로 발송됩니다: 웹훅 "
                                 "(`webhook_env`) 및/또는 이메일 (`email_to`)."},
    "crisis.alert_kind.negative": {"en": "Crisis (negative mentions)", "ko": "위기 (부정 멘션)"},
    "crisis.alert_kind.volume": {"en": "Volume spike", "ko": "언급량 급증"},
    "crisis.target.webhook": {"en": "Webhook", "ko": "웹훅"},
    "crisis.target.email": {"en": "E-mail", "ko": "이메일"},
    "crisis.target.other": {"en": "Other target", "ko": "기타 대상"},
    "crisis.state.sent": {"en": "Sent", "ko": "발송됨"},
    "crisis.state.sending": {"en": "Sending", "ko": "발송 중"},
    "crisis.state.uncertain": {"en": "Uncertain", "ko": "불확실"},
    # -- sources ---------------------------------------------------------------------------------
    # -- reports (viralscope.reports) -----------------------------------------------------------
    "reports.title": {"en": "Weekly report", "ko": "주간 보고서"},
    "reports.subtitle": {"en": "One ISO week (Monday to Sunday, UTC) against the week before: the numbers of the "
                                "other pages, ready to send as HTML, Excel, CSV or PDF.",
                         "ko": "ISO 주(월요일~일요일, UTC)와 그 전 주 비교: 다른 화면의 수치를 HTML, Excel, CSV, PDF로 "
                               "바로 보낼 수 있게 정리합니다."},
    "reports.week": {"en": "Week", "ko": "주"},
    "reports.scope": {"en": "A report covers one week of the configured brand's mentions; the sidebar filters do "
                             "not apply to it.",
                      "ko": "보고서는 설정된 브랜드의 한 주 멘션을 다루며, 사이드바 필터는 적용되지 않습니다."},
    "reports.include_authors": {"en": "Show authors as collected", "ko": "작성자를 수집된 그대로 표시"},
    "reports.include_authors_help": {
        "en": "Off: authors appear as keyed pseudonyms (brand accounts stay in clear) and links to posts are left "
              "out, so the file is safe to forward.",
        "ko": "끄면 작성자는 키 기반 가명으로 표시되고(브랜드 계정은 그대로) 게시물 링크는 빠지므로 파일을 전달해도 "
              "안전합니다."},
    "reports.download": {"en": "Download", "ko": "내려받기"},
    "reports.html": {"en": "HTML page", "ko": "HTML 페이지"},
    "reports.xlsx": {"en": "Excel (a sheet per table)", "ko": "Excel (표마다 시트)"},
    "reports.csv": {"en": "CSV (zip, a file per table)", "ko": "CSV (zip, 표마다 파일)"},
    "reports.pdf": {"en": "PDF", "ko": "PDF"},
    "reports.pdf_missing": {"en": "PDF needs WeasyPrint and the Pango library on the server; print the HTML page "
                                  "to PDF from the browser instead.",
                            "ko": "PDF를 만들려면 서버에 WeasyPrint와 Pango 라이브러리가 필요합니다. 대신 HTML "
                                  "페이지를 브라우저에서 PDF로 인쇄하세요."},
    "reports.facts": {"en": "{scope} · authors {authors} · built {generated} UTC",
                      "ko": "{scope} · 작성자: {authors} · 생성 {generated} UTC"},
    "reports.not_computed": {"en": "Not computed in this report: {sections}.",
                             "ko": "이 보고서에서 계산되지 않은 부분: {sections}."},
    "reports.preview": {"en": "Preview", "ko": "미리 보기"},
    "reports.cli": {"en": "The same report from the command line or a scheduled job: `{command}`",
                    "ko": "명령줄이나 예약 작업에서 같은 보고서 만들기: `{command}`"},
    "sources.title": {"en": "Sources", "ko": "소스"},
    "sources.subtitle": {"en": "Where mentions come from, when each source was last collected, and what went wrong.",
                         "ko": "멘션의 출처, 각 소스의 마지막 수집 시각과 발생한 문제."},
    "sources.summary": {"en": "Per source", "ko": "소스별"},
    "sources.runs": {"en": "Recent collector runs", "ko": "최근 수집 실행"},
    "sources.no_runs": {"en": "No collector has run on this store yet (mentions came from an import or the demo). "
                              "Start one with `viralscope collect SOURCE --query Q`.",
                        "ko": "이 저장소에서는 아직 수집기가 실행되지 않았습니다 (가져오기나 데모 데이터). "
                              "`viralscope collect SOURCE --query Q`로 시작하세요."},
    "sources.col.mentions": {"en": "Mentions stored", "ko": "저장된 멘션"},
    "sources.col.first_mention": {"en": "First mention", "ko": "첫 멘션"},
    "sources.col.last_mention": {"en": "Last mention", "ko": "마지막 멘션"},
    "sources.col.last_stored": {"en": "Last stored", "ko": "마지막 저장"},
    "sources.col.last_started_at": {"en": "Last run", "ko": "마지막 실행"},
    "sources.col.last_finished_at": {"en": "Last run finished", "ko": "마지막 실행 종료"},
    "sources.col.last_rate_limit": {"en": "Rate limit (last run)", "ko": "호출 한도 (마지막 실행)"},
    "sources.col.last_new": {"en": "New (last run)", "ko": "신규 (마지막 실행)"},
    "sources.col.last_updated": {"en": "Updated (last run)", "ko": "갱신 (마지막 실행)"},
    "sources.col.severity": {"en": "Severity", "ko": "심각도"},
    "sources.col.ratio": {"en": "× expected", "ko": "예상 대비 배수"},
    "sources.col.negatives": {"en": "Negative mentions", "ko": "부정 멘션"},
    "sources.col.expected": {"en": "Expected", "ko": "예상"},
    "sources.col.channel": {"en": "Seen in", "ko": "감지 채널"},
    "sources.col.start": {"en": "Start", "ko": "시작"},
    "sources.col.observed": {"en": "Mentions", "ko": "멘션"},
    "sources.col.author": {"en": "Author", "ko": "작성자"},
    "sources.col.end": {"en": "End", "ko": "끝"},
    "sources.col.runs": {"en": "Runs", "ko": "실행 횟수"},
    "sources.col.last_run": {"en": "Last run", "ko": "마지막 실행"},
    "sources.col.last_status": {"en": "Last status", "ko": "마지막 상태"},
    "sources.col.collected_new": {"en": "New (all runs)", "ko": "신규 (전체 실행)"},
    "sources.col.collected_updated": {"en": "Updated (all runs)", "ko": "갱신 (전체 실행)"},
    "sources.col.errors": {"en": "Errors", "ko": "오류"},
    "sources.col.last_error": {"en": "Last error", "ko": "마지막 오류"},
    "sources.col.rate_limit": {"en": "Rate limit", "ko": "호출 한도"},
    "sources.col.started_at": {"en": "Started", "ko": "시작"},
    "sources.col.finished_at": {"en": "Finished", "ko": "종료"},
    "sources.col.query": {"en": "Query", "ko": "쿼리"},
    "sources.col.status": {"en": "Status", "ko": "상태"},
    "sources.col.mentions_new": {"en": "New", "ko": "신규"},
    "sources.col.mentions_updated": {"en": "Updated", "ko": "갱신"},
    "sources.col.pages": {"en": "Pages", "ko": "페이지"},
    "sources.volume": {"en": "Mentions over time by source", "ko": "소스별 멘션 추이"},  # the axis names the bucket
    "sources.watch": {"en": "Watcher", "ko": "감시 서비스"},
    # source and mention kinds as the interface names them (dashboard.charts.source_name / kind_name)
    "sources.name.x": {"en": "X", "ko": "X"},
    "sources.name.youtube": {"en": "YouTube", "ko": "YouTube"},
    "sources.name.reddit": {"en": "Reddit", "ko": "Reddit"},
    "sources.name.bluesky": {"en": "Bluesky", "ko": "Bluesky"},
    "sources.name.mastodon": {"en": "Mastodon", "ko": "Mastodon"},
    "sources.name.hackernews": {"en": "Hacker News", "ko": "Hacker News"},
    "sources.name.twitter": {"en": "Twitter", "ko": "Twitter"},
    "sources.name.rss": {"en": "RSS feeds", "ko": "RSS 피드"},
    "sources.name.news": {"en": "News", "ko": "뉴스"},
    "sources.name.forum": {"en": "Forums", "ko": "포럼"},
    "sources.name.blog": {"en": "Blogs", "ko": "블로그"},
    "sources.name.web": {"en": "Web", "ko": "웹"},
    "sources.name.import": {"en": "Import", "ko": "가져오기"},
    "sources.name.csv": {"en": "CSV import", "ko": "CSV 가져오기"},
    "sources.name.jsonl": {"en": "JSON Lines import", "ko": "JSON Lines 가져오기"},
    "sources.name.demo": {"en": "Demo", "ko": "데모"},
    "sources.kind.post": {"en": "post", "ko": "게시물"},
    "sources.kind.reply": {"en": "reply", "ko": "답글"},
    "sources.kind.share": {"en": "share", "ko": "공유"},
    "sources.kind.quote": {"en": "quote", "ko": "인용"},
    "sources.watch_none": {"en": "`viralscope watch` has not run on this store.",
                           "ko": "이 저장소에서 `viralscope watch`가 실행된 적이 없습니다."},
    "sources.watch_last": {"en": "Last cycle {status}, finished {finished} UTC ({ago} min ago); {cycles} cycles and "
                                 "{sent} alerts sent in the last 24 hours.",
                           "ko": "마지막 주기 {status}, {finished} UTC 종료 ({ago}분 전); 최근 24시간 주기 {cycles}회, "
                                 "알림 {sent}건 발송."},
    "sources.watch_stale": {"en": "No cycle has finished for {ago} minutes: is `viralscope watch` running?",
                            "ko": "{ago}분 동안 끝난 주기가 없습니다. `viralscope watch`가 실행 중인가요?"},
    "sources.col.lag_minutes": {"en": "Lag (min)", "ko": "지연 (분)"},
    "sources.col.covered_until": {"en": "Collected up to", "ko": "수집 완료 시점"},
    "sources.col.new": {"en": "New (last cycle)", "ko": "신규 (마지막 주기)"},
}

# Every KPI's label (``kpi.<key>.label``), plain help (``.help``) and definition (``.def``), from the registry.
STRINGS.update(kpi_registry.strings())
STRINGS.update({f"n.{key}": dict(names) for key, names in kpi_registry.N_LABELS.items()})  # what each n counts
STRINGS["kpi.authors.na"] = dict(reasons.REASONS["no_author_ids"])


def default_language() -> str:
    lang = str(settings.resolve("lang"))
    return lang if lang in LANGUAGES else "en"


def initial_language(from_url: str | None) -> str:
    return from_url if from_url in LANGUAGES else default_language()


def t(key: str, lang: str = "en", **values) -> str:
    """The string ``key`` in ``lang`` (English when a translation is missing), formatted with ``values``."""
    entry = STRINGS[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text


def language_name(code: str | None, lang: str = "en") -> str:
    """``ko`` → "Korean" / "한국어"; an unknown code is shown as it is."""
    if code is None or code == "__none__":
        return _LANGUAGE_NAMES[lang if lang in _LANGUAGE_NAMES else "en"]["und"]
    return _LANGUAGE_NAMES.get(lang, _LANGUAGE_NAMES["en"]).get(code, code)
