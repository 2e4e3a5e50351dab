"""Which scorer a text needs: ``en``, ``ko``, ``other`` or ``und`` (no letters at all), with no model to download.

The script decides first: Hangul (syllables and the jamo of ㅋㅋ/ㅠㅠ) makes a text Korean when it carries at
least half of the text's letters, a Hangul syllable counting as much as ``HANGUL_WEIGHT`` Latin letters
(a syllable holds two or three sounds). Kana, Han, Cyrillic, Arabic and every other script make it
``other``. Latin-script text is English unless the function words of another Latin-script language
outnumber the English ones, or letters that English does not use (ñ, ß, ç, ã, ő …) are common in it; a
mixed text stays English while it has at least two English function words and the other language no
more than twice as many.
URLs, @handles and e-mail addresses are ignored; a text with no letters left (emoji, numbers, punctuation,
empty) is ``und``, undetermined.
"""

from __future__ import annotations

import re

__all__ = ["detect", "latin_words", "normalize_lang", "script_of", "LANGS", "HANGUL_WEIGHT"]

#: The language codes this module returns.
LANGS = ("en", "ko", "other", "und")
HANGUL_WEIGHT = 2.5

_NOISE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+\.\w+|@\w+")
NOISY = re.compile(r"@|http|www\.")
_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_NOT_LATIN = re.compile(r"[^A-Za-z\u00c0-\u024f]+")
_FOREIGN_LATIN = re.compile(r"[\u00c0-\u024f]")
_ASCII_LETTER = re.compile(r"[A-Za-z]")

_EN = frozenset(
    """the a an and or but of to in on at for with from by about as into than then this that these those is
    are was were be been being am do does did done have has had having i you he she it we they me him her
    us them my your his its our their mine yours not no yes very so just really what which who whom whose
    when where why how all any some there here if because while would could should will can can't don't
    doesn't didn't isn't wasn't won't i'm it's that's you're i've i'll let's up out over too also only
    get got like love good bad great best worst well much more most em""".split()
)
# Function words of other Latin-script languages, minus any that are also English words.
_OTHER = {
    "es": "el la los las un una unos unas y o pero de del al en con por para que es son está están muy "
    "mi tu su sus lo le les se me te nos como más ya también porque cuando donde qué hay fue ser este esta "
    "eso esto pero sin sobre entre hasta desde nada todo bien gracias hola",
    "pt": "o os um uma uns umas e ou mas de do da dos das em no na nos nas com por para que é são está "
    "estão muito meu minha seu sua ele ela eles elas não sim como mais já também porque quando onde "
    "isso isto foi ser tem obrigado obrigada olá você vocês",
    "fr": "le la les un une des et ou mais de du au aux en dans avec pour par que qui est sont très mon ma "
    "mes ton ta son sa ses il elle ils elles nous vous je tu ne pas oui non comme plus déjà aussi parce "
    "quand où ce cette ces c'est j'ai merci bonjour être avoir était",
    "de": "der die das ein eine einen dem den und oder aber von zu im mit für auf ist sind sehr mein meine "
    "dein sein ihr er sie es wir ihr ich du nicht ja nein wie mehr schon auch weil wenn wo dass was "
    "nicht ist war haben hat danke hallo gut schlecht",
    "it": "il lo la i gli le un una e o ma di del della dei in con per che è sono molto mio mia tuo sua lui "
    "lei noi voi io non sì come più già anche perché quando dove questo questa grazie ciao essere",
    "nl": "de het een en of maar van in met voor op is zijn zeer mijn jouw zijn haar wij jullie ik jij niet "
    "ja nee hoe meer al ook omdat wanneer waar dat wat dank hallo goed slecht",
    "id": "yang dan atau tetapi dari ke di dengan untuk pada adalah sangat saya kamu dia mereka kami kita "
    "tidak ya bukan seperti lebih sudah juga karena ketika dimana ini itu terima kasih bagus",
    "tr": "ve veya ama bir bu şu o ile için de da çok ben sen biz siz onlar değil evet hayır gibi daha "
    "zaten çünkü ne nasıl teşekkürler merhaba güzel",
}
# Single letters ("e", "y", "o") are left out: initials and list markers in English would trip them.
_OTHER_WORDS = {lang: frozenset(w for w in words.split() if len(w) > 1 or not w.isascii()) - _EN for lang, words in _OTHER.items()}
# word → indexes of the languages it belongs to, so one pass over a text counts every language at once.
_LANG_INDEX = {lang: k for k, lang in enumerate(_OTHER_WORDS)}
_OTHER_LOOKUP: dict[str, tuple[int, ...]] = {}
for _lang, _words in _OTHER_WORDS.items():
    for _w in _words:
        _OTHER_LOOKUP[_w] = (*_OTHER_LOOKUP.get(_w, ()), _LANG_INDEX[_lang])


def normalize_lang(value) -> str | None:
    """A language tag given with the data ('en-US', 'ko_KR', 'ja', 'KO') as one of en/ko/other, or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    tag = value.strip().lower().replace("_", "-").split("-")[0]
    if tag in ("en", "eng"):
        return "en"
    if tag in ("ko", "kor"):
        return "ko"
    if tag in ("und", "zxx", "qme", "qht", "qam"):
        return None
    return "other"


def detect(text: str) -> str:
    """``en``, ``ko``, ``other`` or ``und`` for one (already cleaned) text."""
    if NOISY.search(text):
        text = _NOISE.sub(" ", text)
    script, foreign_share = script_of(text)
    if script != "latin":
        return script
    # The words English scoring reads (so score() and detect() agree on every text).
    from sentiment.english import default_scorer

    return latin_words(default_scorer().words(text), foreign_share, "¡" in text or "¿" in text)


def script_of(text: str) -> tuple[str, float]:
    """("ko" | "other" | "und" | "latin", share of Latin letters that English does not use) of a text whose
    URLs and handles are already removed; "latin" texts are told apart by ``latin_words``."""
    if text.isascii():
        return ("latin" if _ASCII_LETTER.search(text) else "und"), 0.0
    hangul = len(_HANGUL.findall(text))
    if hangul * (HANGUL_WEIGHT + 1) >= len(text):
        # Even if every other character were a letter, Hangul would carry half of the weighted letters.
        return "ko", 0.0
    letters = sum(map(str.isalpha, text))
    if letters == 0:
        return "und", 0.0
    latin = len(_NOT_LATIN.sub("", text))
    other = letters - hangul - latin
    weighted = hangul * HANGUL_WEIGHT
    total = weighted + latin + other
    if hangul and weighted * 2 >= total:
        return "ko", 0.0
    if latin * 2 < total:
        return "other", 0.0
    return "latin", len(_FOREIGN_LATIN.findall(text)) / max(latin, 1)


def latin_words(words, foreign_share: float = 0.0, inverted_marks: bool = False) -> str:
    """``en`` or ``other`` for the lower-cased words of a Latin-script text (see the module docstring)."""
    en = 0
    counts = [0] * len(_LANG_INDEX)
    for w in words:
        if w in _EN:
            en += 1
        else:
            for k in _OTHER_LOOKUP.get(w, ()):
                counts[k] += 1
    best = max(counts)
    # Letters English does not use (or ¡ ¿) weigh like two function words; one stray word is not enough.
    marked = foreign_share > 0.05 or inverted_marks
    other = best + (2 if marked else 0)
    # A text that mixes languages ("I favorited a video -- El Último de la Fila") is read as English while
    # English carries at least half as many function words as the other language: the English scorer
    # reads its English words and passes over the rest, which is no invention.
    english_enough = en >= 2 and other <= 2 * en
    if other > en and (best >= 2 or marked) and not english_enough:
        return "other"
    return "en"
