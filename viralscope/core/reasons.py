"""Why a number is n/a: every reason as a stable code, its English and Korean text in one table.

A stage returns ``results.na(code, params)``; the result keeps the English text in ``reason`` (what JSON and
the CLI have always shown) and the code and its parameters in ``reason_code`` / ``reason_params``, so a face
can say the same in the reader's language with :func:`text`. A parameter may itself be a reason (a dict
``{"code": …, "params": …}``, see :func:`of`), translated with it; any other parameter is inserted as given.
"""

from __future__ import annotations

#: Every reason: ``code -> {"en": template, "ko": template}`` (``str.format`` templates over its parameters).
REASONS: dict[str, dict[str, str]] = {
    # -- results ---------------------------------------------------------------------------------------
    "not_finite": {"en": "the estimate is not a finite number", "ko": "추정값이 유한한 수가 아닙니다"},
    "not_computable": {"en": "not computable", "ko": "계산할 수 없습니다"},
    # -- mentions and sentiment ------------------------------------------------------------------------
    "empty_period": {"en": "a period has no length", "ko": "기간의 길이가 0입니다"},
    "no_reference_events": {"en": "no events in the reference period, so the ratio is unbounded",
                            "ko": "기준 기간에 사건이 없어 비율이 무한대가 됩니다"},
    "no_baseline_mentions": {"en": "no mentions in the baseline, so the lift is unbounded",
                             "ko": "비교 기간에 멘션이 없어 증가율이 무한대가 됩니다"},
    "base_too_small": {"en": "base too small: {n:g} mentions in the baseline, fewer than {minimum}",
                       "ko": "기준이 너무 작습니다: 비교 기간 멘션 {n:g}건으로 {minimum}건보다 적습니다"},
    "no_mentions": {"en": "no mentions", "ko": "멘션이 없습니다"},
    "no_mentions_window": {"en": "no mentions in the window", "ko": "기간에 멘션이 없습니다"},
    "no_mentions_window_or_baseline": {"en": "no mentions in the window or the baseline",
                                       "ko": "기간과 비교 기간 모두 멘션이 없습니다"},
    "no_mentions_history": {"en": "no mentions before or in the window", "ko": "기간과 그 이전에 멘션이 없습니다"},
    "no_polar_window": {"en": "no positive or negative mentions in the window",
                        "ko": "기간에 긍정 또는 부정 멘션이 없습니다"},
    "no_polar_baseline": {"en": "no positive or negative mentions in the baseline",
                          "ko": "비교 기간에 긍정 또는 부정 멘션이 없습니다"},
    "not_scored": {"en": "the mentions are not scored for sentiment yet (run viralscope analyze)",
                   "ko": "멘션의 감성이 아직 분석되지 않았습니다 (viralscope analyze 실행)"},
    "single_brand": {"en": "only one brand is tracked (configure competitors)",
                     "ko": "추적하는 브랜드가 하나뿐입니다 (경쟁사를 설정하세요)"},
    "no_brand_mentions": {"en": "no mentions of any tracked brand in the window",
                          "ko": "기간에 추적하는 브랜드의 멘션이 없습니다"},
    "sov_unconfigured": {"en": "share of voice needs a brand and at least one competitor in the configuration",
                         "ko": "점유율을 계산하려면 설정에 브랜드와 경쟁사가 하나 이상 있어야 합니다"},
    # -- cascades --------------------------------------------------------------------------------------
    "cascades_not_built": {"en": "cascades are not built yet (import or analyze the mentions)",
                           "ko": "캐스케이드가 아직 만들어지지 않았습니다 (멘션을 가져오거나 analyze 실행)"},
    "no_roots_window": {"en": "no original posts in the window", "ko": "기간에 원본 게시물이 없습니다"},
    "no_spread_cascades": {"en": "no cascade with 2 or more mentions", "ko": "멘션이 2개 이상인 캐스케이드가 없습니다"},
    "no_shares": {"en": "no shares of posts in the window", "ko": "기간에 게시물 공유가 없습니다"},
    "few_polar_cascades": {"en": "fewer than 2 negative-rooted or positive-rooted cascades",
                           "ko": "부정 원글 또는 긍정 원글 캐스케이드가 2개 미만입니다"},
    # -- business ------------------------------------------------------------------------------------
    "own_brand_only": {"en": "computed from {own}'s own conversion, spend and campaign data, so not shown for "
                             "{brand}",
                       "ko": "{own}의 자체 전환·지출·캠페인 데이터로 계산하므로 {brand}에는 표시하지 않습니다"},
    "no_conversion_data": {"en": "no conversion data (import-conversions) in the window or the baseline",
                           "ko": "기간이나 비교 기간에 전환 데이터가 없습니다 (import-conversions)"},
    "no_session_days_window": {"en": "no days with sessions in the window", "ko": "기간에 세션이 있는 날이 없습니다"},
    "few_baseline_days": {"en": "the baseline has {days} days with sessions; at least 3 are needed to measure "
                                "day-to-day variation",
                          "ko": "비교 기간에 세션이 있는 날이 {days}일뿐입니다. 일별 변동을 재려면 3일 이상 필요합니다"},
    "no_baseline_conversions": {"en": "no conversions in the baseline", "ko": "비교 기간에 전환이 없습니다"},
    "no_new_customers_window": {"en": "no new customers in the window", "ko": "기간에 신규 고객이 없습니다"},
    "no_new_customers_baseline": {"en": "no new customers in the baseline", "ko": "비교 기간에 신규 고객이 없습니다"},
    "no_spend_window": {"en": "no spend recorded in the window", "ko": "기간에 기록된 지출이 없습니다"},
    "no_spend_baseline": {"en": "no spend recorded in the baseline", "ko": "비교 기간에 기록된 지출이 없습니다"},
    "no_spend_data": {"en": "no spend or new-customer data", "ko": "지출 또는 신규 고객 데이터가 없습니다"},
    "baseline_campaign_days": {
        "en": "{why} ({days} baseline days fall in a configured campaign and were left out: choose a baseline "
              "before it)",
        "ko": "{why} (비교 기간 중 {days}일이 설정된 캠페인 기간이라 제외되었습니다: 캠페인 이전의 비교 기간을 "
              "고르세요)"},
    "no_campaign": {"en": "no configured campaign overlaps the window", "ko": "기간과 겹치는 설정된 캠페인이 없습니다"},
    "no_campaign_cost": {"en": "no campaign cost is configured", "ko": "캠페인 비용이 설정되지 않았습니다"},
    "zero_campaign_cost": {"en": "the campaign's cost in the window is zero, so a return on it is undefined",
                           "ko": "기간 내 캠페인 비용이 0이라 수익률을 정의할 수 없습니다"},
    "campaign_cost_tiny": {"en": "the campaign's cost in the window ({cost:,.0f}) is below 1% of the window's "
                                 "revenue ({revenue:,.0f}): check the configured cost",
                           "ko": "기간 내 캠페인 비용({cost:,.0f})이 기간 매출({revenue:,.0f})의 1% 미만입니다: 설정된 "
                                 "비용을 확인하세요"},
    "no_value_per_conversion": {"en": "no value per conversion is configured and no revenue is recorded",
                                "ko": "전환당 가치가 설정되지 않았고 기록된 매출도 없습니다"},
    "incremental_na": {"en": "incremental conversions are n/a: {why}", "ko": "증분 전환을 계산할 수 없습니다: {why}"},
    "no_incremental": {"en": "no incremental conversions", "ko": "증분 전환이 없습니다"},
    # -- response times -----------------------------------------------------------------------------------
    "no_brand_accounts": {"en": "no brand accounts are configured", "ko": "브랜드 계정이 설정되지 않았습니다"},
    "no_brand_accounts_config": {"en": "no brand accounts are configured ([brand] accounts)",
                                 "ko": "브랜드 계정이 설정되지 않았습니다 ([brand] accounts)"},
    "no_competitor_accounts": {"en": "no accounts of {brand} are configured ([[competitors]] accounts)",
                               "ko": "{brand}의 계정이 설정되지 않았습니다 ([[competitors]] accounts)"},
    "no_items": {"en": "no complaints or questions in the window", "ko": "기간에 불만이나 질문이 없습니다"},
    "items_not_final": {"en": "no complaint or question in the window is {final_after} old yet",
                        "ko": "기간의 불만이나 질문 중 아직 {final_after}이 지난 것이 없습니다"},
    "no_replies": {"en": "no complaint or question has had a brand reply",
                   "ko": "브랜드 답변을 받은 불만이나 질문이 없습니다"},
    # -- crises ----------------------------------------------------------------------------------------
    "crisis_history": {"en": "crisis detection: not enough history: {days} days of the {needed} needed",
                       "ko": "위기 감지: 기록이 부족합니다: 필요한 {needed}일 중 {days}일"},
    "crisis_no_history": {"en": "crisis detection: not enough history before the window",
                          "ko": "위기 감지: 기간 이전의 기록이 부족합니다"},
    "crisis_note": {"en": "crisis detection: {note}", "ko": "위기 감지: {note}"},
    # -- the dashboard's own ---------------------------------------------------------------------------
    "no_author_ids": {"en": "these mentions carry no author id or name, so their authors cannot be counted",
                      "ko": "이 멘션에는 작성자 ID나 이름이 없어 작성자 수를 셀 수 없습니다"},
}


REASONS.update({  # -- diffusion: why a trait model or a growth forecast has too little to learn from ---------
    "auc_needs_both": {"en": "an AUC needs at least one positive and one negative example",
                       "ko": "AUC를 계산하려면 양성과 음성 사례가 각각 하나 이상 필요합니다"},
    "traits_too_few_viral": {"en": "the trait model needs at least 2 viral and 2 other posts ({viral} viral of {n})",
                             "ko": "특성 모델에는 바이럴 게시물과 그 밖의 게시물이 각각 2개 이상 필요합니다 "
                                   "({n}개 중 바이럴 {viral}개)"},
    "traits_no_variance": {"en": "no trait varies enough across the posts to be measured",
                           "ko": "게시물 사이에서 측정할 만큼 달라지는 특성이 없습니다"},
    "traits_too_few_posts": {"en": "the trait model needs at least 10 original posts that had time to spread ({n})",
                             "ko": "특성 모델에는 퍼질 시간이 있었던 원본 게시물이 10개 이상 필요합니다 ({n}개)"},
    "forecast_no_cascades": {"en": "no cascades to forecast", "ko": "예측할 캐스케이드가 없습니다"},
    "forecast_too_few": {"en": "a forecast needs at least {minimum} completed cascades ({n} given)",
                         "ko": "예측에는 끝난 캐스케이드가 {minimum}개 이상 필요합니다 ({n}개)"},
    "no_posts_in_view": {"en": "no original post in this window matches the filters",
                         "ko": "이 기간에 필터와 맞는 원본 게시물이 없습니다"},
    "forecast_no_recent_posts": {"en": "no original post matching the filters was written in the last {settle} "
                                       "of the window",
                                 "ko": "기간의 마지막 {settle} 동안 필터와 맞는 원본 게시물이 작성되지 않았습니다"},
    "forecast_not_watched": {"en": "no cascade of the last {settle} of the window has been watched for {minutes} "
                                   "minutes yet",
                             "ko": "기간의 마지막 {settle} 동안의 캐스케이드 중 아직 {minutes}분 동안 지켜본 것이 "
                                   "없습니다"},
})


def text(code: str, params: dict | None = None, lang: str = "en") -> str:
    """The reason ``code`` in ``lang`` (English when the language is unknown), its parameters filled in.

    >>> text("base_too_small", {"n": 6.0, "minimum": 10})
    'base too small: 6 mentions in the baseline, fewer than 10'
    >>> text("incremental_na", {"why": {"code": "no_session_days_window", "params": {}}}, "ko")
    '증분 전환을 계산할 수 없습니다: 기간에 세션이 있는 날이 없습니다'
    """
    entry = REASONS[code]
    values = {k: (text(v["code"], v.get("params"), lang) if _is_reason(v) else v) for k, v in (params or {}).items()}
    return (entry.get(lang) or entry["en"]).format(**values)


def _is_reason(value) -> bool:
    return isinstance(value, dict) and value.get("code") in REASONS


def of(result: dict | None, default: str = "not_computable"):
    """The reason of an n/a ``result`` as a parameter of another reason: ``{"code", "params"}`` when the result
    carries a code, else its English text as it is (``default``'s text when it has none)."""
    result = result or {}
    if result.get("reason_code") in REASONS:
        return {"code": result["reason_code"], "params": result.get("reason_params") or {}}
    return result.get("reason") or {"code": default, "params": {}}


def translate(result: dict, lang: str = "en") -> str | None:
    """The reason of ``result`` (a metric's result or a KPI) in ``lang``; its ``reason`` when it has no code."""
    if result.get("reason_code") in REASONS:
        return text(result["reason_code"], result.get("reason_params"), lang)
    return result.get("reason")
