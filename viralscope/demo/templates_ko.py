"""Korean templates of the demo world: everyday Korean with negation (안/못/않다/없다), intensifiers
(진짜, 너무, 완전, 엄청), ㅋㅋ/ㅠㅠ in both moods and emoji, so a Korean model has something real to read."""

from __future__ import annotations

from viralscope.demo.templates import T

TEMPLATES = [
    # -- originals: praise ------------------------------------------------------------------------------
    T("post", "praise", "positive", "{brand} {product} 진짜 너무 좋아요 ㅋㅋ 완전 만족 {emoji_pos}"),
    T("post", "praise", "positive", "{product} 써봤는데 생각보다 훨씬 좋네요. 강추합니다!"),
    T("post", "praise", "positive", "와 {brand} {product} 색감 미쳤다 ㅋㅋㅋ 너무 예뻐요"),
    T("post", "praise", "positive", "{brand} 고객센터 정말 친절하세요 ㅠㅠ 감동받았어요"),
    T("post", "praise", "positive", "솔직히 가격 대비 최고예요. 하나도 후회 안 해요"),
    T("post", "praise", "positive", "{product} 설치도 어렵지 않고 밝기도 딱 좋아요"),
    T("post", "praise", "positive", "{competitor} 쓰다가 {brand}로 바꿨는데 훨씬 낫네요 👍"),
    T("post", "praise", "positive", "잠들기 전에 {product} 켜두면 마음이 편해져요. 완전 추천"),
    T("post", "delivery", "positive", "{city}까지 하루 만에 왔어요! {brand} 배송 최고 {emoji_pos}"),
    # -- originals: complaints --------------------------------------------------------------------------
    T("post", "complaint", "negative", "{brand} 앱 또 안 돼요... 진짜 짜증나네요 ㅠㅠ"),
    T("post", "complaint", "negative", "{product} 산 지 일주일 만에 고장났어요. 너무 실망이에요 {emoji_neg}"),
    T("post", "complaint", "negative", "{brand} 고객센터 연락이 안 돼요. 답변도 없고 최악이네요"),
    T("post", "complaint", "negative", "{product} 기대했는데 별로예요. 다시는 안 살 거예요"),
    T("post", "complaint", "negative", "불빛이 자꾸 깜빡거려서 못 쓰겠어요. 완전 실망"),
    T("post", "complaint", "negative", "{brand} 품질이 예전 같지 않네요… 많이 아쉽습니다"),
    T("post", "complaint", "negative", "환불 요청했는데 {brand}에서 거절당했어요. 너무 화나요 {emoji_neg}"),
    T("post", "complaint", "negative", "{brand} 가격 또 올렸네요? 이건 진짜 아니죠"),
    T("post", "delivery", "negative", "{city}로 주문한 게 2주째 안 와요 ㅠㅠ 너무해요"),
    # -- originals: questions and plain chatter ---------------------------------------------------------
    T("post", "question", "neutral", "{brand} {product} 써보신 분 있나요? 어때요?"),
    T("post", "question", "neutral", "{brand} 매장 몇 시까지 하나요?"),
    T("post", "question", "neutral", "{product} 색상 뭐가 제일 무난할까요?"),
    T("post", "comparison", "neutral", "{brand}랑 {competitor} 중에 뭐 살지 고민 중이에요"),
    T("post", "question", "neutral", "{brand} {product} 앱 없이도 쓸 수 있나요?"),
    T("post", "question", "neutral", "{city}에도 {brand} 매장 있나요?"),
    T("post", "chatter", "neutral", "오늘 {brand} {product} 주문했어요"),
    T("post", "chatter", "neutral", "{brand} 신제품 다음 주에 나온대요"),
    T("post", "chatter", "neutral", "거실 조명 {brand}로 바꾸는 중"),
    # -- originals: surprise (the trait that spreads) ---------------------------------------------------
    T("post", "praise", "positive", "헐 {brand} 박스 열었더니 깜짝 선물이 ㅋㅋㅋ 대박 {emoji_pos}", True),
    T("post", "praise", "positive", "예상 못 했는데 손편지까지 들어 있었어요 ㅠㅠ {brand} 감동이에요", True),
    T("post", "praise", "positive", "와 반전... {product}에 숨겨진 색이 있었네요 ㅋㅋ 완전 신기해요", True),
    T("post", "complaint", "negative", "헐 {brand} 결제가 두 번 됐어요. 이건 진짜 황당하네요 {emoji_neg}", True),
    T("post", "complaint", "negative", "반전... 업데이트하고 나서 설정이 다 날아갔어요. 최악이에요", True),
    T("post", "chatter", "neutral", "헐 {product}에 야간 모드가 숨어 있었네요", True),
    T("post", "chatter", "neutral", "반전: {brand} 전원 버튼이 뒤쪽에 있었어요", True),
    # -- the campaign ----------------------------------------------------------------------------------
    T("post", "campaign", "positive", "글로우 박스 열었더니 깜짝 선물이! 예상 못 했어요 ㅋㅋ 너무 좋아요 {emoji_pos}", True),
    T("post", "campaign", "positive", "글로우 서프라이즈 대박... 램프가 숨겨진 색으로 켜졌어요 ㅋㅋㅋ", True),
    T("post", "campaign", "positive", "헐 {brand}에서 손편지를 보내줬어요 ㅠㅠ 최고의 서프라이즈", True),
    T("post", "campaign", "positive", "{brand} 글로우 캠페인 진짜 재밌어요. 가족들이랑 같이 즐겼어요"),
    T("post", "campaign", "positive", "캠페인 번들로 글로우 미니 샀는데 가성비 좋아요"),
    T("post", "campaign", "neutral", "글로우 박스에 숨겨진 색 찾으신 분 있나요?"),
    T("post", "campaign", "neutral", "{brand} 글로우 캠페인 번들 목요일에 발송된대요"),
    # -- the service failure ---------------------------------------------------------------------------
    T("post", "outage", "negative", "{brand} 앱 지금 로그인 안 되는 거 나만 그래요? ㅠㅠ 진짜 짜증나요"),
    T("post", "outage", "negative", "새벽에 {brand} 결제가 계속 실패해요. 너무하네요 {emoji_neg}"),
    T("post", "outage", "negative", "{brand} 서버 터졌나요? 앱이 아예 안 열려요 ㅠㅠ"),
    T("post", "outage", "negative", "조명이 앱에서 안 꺼져요... 새벽 {n}시에 이게 뭐예요"),
    T("post", "outage", "negative", "{brand} 공지도 없고 답변도 없네요. 최악입니다"),
    T("post", "outage", "neutral", "{brand} 지금 점검 중인가요?"),
    # -- replies --------------------------------------------------------------------------------------
    T("reply", "praise", "positive", "저도요! 진짜 좋아요 ㅋㅋ"),
    T("reply", "praise", "positive", "완전 공감해요 👍"),
    T("reply", "praise", "positive", "오 예쁘다 저도 사야겠어요"),
    T("reply", "praise", "positive", "정보 감사합니다! 도움 많이 됐어요"),
    T("reply", "complaint", "negative", "저도 똑같아요 ㅠㅠ 너무 불편해요"),
    T("reply", "complaint", "negative", "저도 고장났어요... 품질 진짜 별로예요"),
    T("reply", "complaint", "negative", "이거 때문에 결국 환불했어요. 실망이에요"),
    T("reply", "question", "neutral", "어디서 사셨어요?"),
    T("reply", "question", "neutral", "이거 모델명이 뭐예요?"),
    T("reply", "chatter", "neutral", "저도 같은 거 쓰고 있어요"),
    T("reply", "campaign", "positive", "저도 서프라이즈 받았어요! 너무 재밌어요 ㅋㅋ"),
    T("reply", "outage", "negative", "저도 안 돼요... 진짜 짜증나요 ㅠㅠ"),
    T("reply", "outage", "negative", "여기도 먹통이에요. 최악"),
    T("reply", "outage", "negative", "아직도 안 되네요 {emoji_neg}"),
    T("reply", "outage", "neutral", "{city}도 같은 상황이에요"),
    # -- quotes ---------------------------------------------------------------------------------------
    T("quote", "praise", "positive", "이거 진짜 좋다 {emoji_pos}"),
    T("quote", "complaint", "negative", "이건 좀 심하네요"),
    T("quote", "chatter", "neutral", "나중에 읽어봐야지"),
    T("quote", "campaign", "positive", "오늘 본 것 중에 제일 재밌어요 ㅋㅋ"),
    T("quote", "outage", "negative", "여기도 똑같아요. 빨리 고쳐 주세요 {emoji_neg}"),
    # -- the brand's own answers ----------------------------------------------------------------------
    T("brand_reply", "outage", "positive", "기다려 주셔서 감사합니다! 지금 복구 작업을 하고 있어요"),
    T("brand_reply", "outage", "neutral", "앱 접속 장애를 확인했습니다. 빠르게 복구하고 있어요"),
    T("brand_reply", "support", "positive", "문의 주셔서 감사합니다! 바로 확인해 드릴게요 😊"),
    T("brand_reply", "support", "neutral", "확인 중입니다. 주문 번호를 DM으로 보내 주시겠어요?"),
    T("brand_reply", "support", "neutral", "불편을 드려 죄송합니다. 담당 팀이 확인하고 있습니다"),
    # -- the brands' own posts -------------------------------------------------------------------------
    T("announce", "launch", "neutral", "{brand} {product} 출시! 월요일부터 {city}에서 만나요"),
    T("announce", "launch", "positive", "새로운 {product} 드디어 나왔어요. 너무 예쁘게 나와서 저희도 행복해요 {emoji_pos}"),
    T("announce", "campaign", "positive", "글로우 박스마다 깜짝 선물이 숨어 있어요! 여러분은 뭐 받으셨나요? 🎁", True),
    # -- news (rss) -----------------------------------------------------------------------------------
    T("news", "news", "neutral", "{brand}, {city}에 첫 매장 연다"),
    T("news", "news", "neutral", "{brand}, 봄 시즌 신제품 {product} 공개"),
    T("news", "news", "positive", "{brand} {product}, 디자인 어워드 수상"),
    T("news", "news", "negative", "{brand} {product} 불량 논란… 소비자 불만 잇따라"),
    T("news", "outage", "negative", "{brand} 서비스 장애로 조명 제어 안 돼… 이용자 불만 폭주"),
    T("news", "campaign", "positive", "{brand} '글로우 서프라이즈' 캠페인, 온라인에서 호평"),
    # -- videos (youtube) -----------------------------------------------------------------------------
    T("video", "review", "neutral", "{brand} {product} {n}주 사용 후기"),
    T("video", "review", "positive", "{brand} {product} 리뷰: 지금까지 써본 조명 중 최고"),
    T("video", "review", "negative", "{brand} {product} 환불한 이유 (실망)"),
    T("video", "chatter", "neutral", "{brand} {product} 언박싱"),
    T("video", "comparison", "neutral", "{brand} vs {competitor} 뭐 살까?"),
    T("video", "campaign", "positive", "글로우 서프라이즈 숨겨진 색 찾았어요! ㅋㅋ 대박", True),
]

SLOTS = {
    "brand": {"Lumio": "루미오", "Kandela": "칸델라", "Novalux": "노바럭스"},
    "product": {
        "Lumio": ["글로우 램프", "글로우 미니", "무드등", "스마트 전구", "스탠드"],
        "Kandela": ["헤일로 전구", "라이트바", "천장등"],
        "Novalux": ["노바 패널", "노바 전구", "플로어 램프"],
    },
    "city": ["서울", "부산", "대구", "인천", "광주", "대전", "제주"],
    "emoji_pos": ["😍", "🥰", "✨", "😊", "👍"],
    "emoji_neg": ["😡", "😤", "😭", "👎"],
    "hashtag": {"Lumio": ["#루미오", "#스마트조명"], "Kandela": ["#칸델라"], "Novalux": ["#노바럭스"]},
    "campaign_hashtag": ["#글로우서프라이즈"],
}
