#!/usr/bin/env python3
"""Generate N short Arabic conflict reports as JSONL for benchmarks.

    scripts/gen_corpus.py N OUT.jsonl [--seed S] [--random-dates] [--one-kind-one-city]
                          [--span-days D]

Every report is filled from the knowledge base: actor aliases from data/actors.toml, place
names from data/gazetteer/*.csv (places.csv and admin.csv), a few trigger phrases, outlets
from data/outlets.toml. A report is a headline sentence plus template sentences repeated
until it reaches 80-300 words, so lengths look like real wire copy. Output lines follow the
ingest JSONL format: {"id", "url", "outlet", "title", "published", "text"}.
Publication dates span 7 years (2017-2023) and follow the order of the reports, like a feed or
an archive read in date order: report i of N is dated day i * 2555 / N, up to 2 days earlier
(late reports). --random-dates draws every date uniformly over the 7 years instead (an archive
read in no order: the worst case for linking, which re-decides the linked events dated after
each late report). Either way the output depends only on N and the seed.
--one-kind-one-city writes every report about one kind of event (armed clashes between the same
two actors) in one city (Aleppo): the worst case for the linker's candidate lookup, where every
report is a candidate of every other one dated nearby. --span-days D spreads the dates over D
days instead of 7 years (denser days).
The text is synthetic: good for throughput and latency figures, not for accuracy.
"""

import csv
import datetime as dt
import json
import random
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"

# Trigger phrases: (verb phrase, needs two sides).
ATTACKS = [
    ("اندلعت اشتباكات عنيفة بين {a} و{b}", True),
    ("شنت {a} هجوماً على مواقع {b}", True),
    ("استهدفت {a} بقذائف المدفعية مواقع {b}", True),
    ("نفذت طائرات {a} غارات جوية على مواقع {b}", True),
    ("انفجرت عبوة ناسفة بدورية تابعة لـ{a}", False),
    ("استهدفت طائرة مسيرة سيارة تابعة لـ{a}", False),
    ("شنت {a} حملة دهم واعتقالات", False),
    ("اعتقلت {a} عدداً من الشبان", False),
    ("توصلت {a} و{b} إلى اتفاق هدنة", True),
    ("خرج العشرات في مظاهرة ضد {a}", False),
]
TIMES = ["اليوم", "أمس", "مساء أمس", "صباح اليوم", "أول من أمس", "فجر اليوم"]
SOURCES = [
    "بحسب مصادر محلية",
    "وفق ما أفاد به مراسل",
    "بحسب المرصد السوري لحقوق الإنسان",
    "وفق مصدر عسكري",
    "بحسب ناشطين",
    "نقلاً عن مصدر مطلع",
]
TOLLS = ["عنصرين", "ثلاثة عناصر", "أربعة أشخاص", "خمسة مدنيين", "عنصر واحد", "ستة مقاتلين"]
FILLERS = [
    "وأضافت المصادر أن {a} استقدمت تعزيزات عسكرية إلى محيط {p} عقب الحادثة.",
    "وتشهد منطقة {p} توتراً أمنياً متصاعداً منذ أسابيع، وسط انتشار مكثف لعناصر {a}.",
    "ولم تعلن أي جهة مسؤوليتها عن الهجوم حتى ساعة إعداد هذا التقرير.",
    "وقال ناشطون إن الأهالي يعيشون حالة من الخوف بسبب تكرار الحوادث في {p} وريفها.",
    "وتتهم {a} خلايا تابعة لـ{b} بالوقوف وراء سلسلة الهجمات الأخيرة في المنطقة.",
    "وأشار المصدر إلى أن الطرق المؤدية إلى {p} أغلقت لساعات قبل أن يعاد فتحها.",
    "ويأتي ذلك بعد أيام من حادثة مماثلة شهدتها {p}، قتل فيها {t}.",
    "ونفى متحدث باسم {a} صحة الأنباء المتداولة عن انسحاب قواته من المنطقة.",
    "وتعد {p} من المناطق التي تشهد نشاطاً متزايداً لـ{b} خلال الفترة الماضية.",
    "وطالب وجهاء المنطقة بفتح تحقيق في الحادثة ومحاسبة المسؤولين عنها.",
]


def load_actors():
    doc = tomllib.loads((DATA / "actors.toml").read_text(encoding="utf-8"))
    out = []
    for a in doc.get("actor", []):
        aliases = [s for s in a.get("aliases", []) if any("\u0600" <= c <= "\u06ff" for c in s)]
        if aliases and a.get("kind") not in ("civilians",):
            out.append(aliases)
    return out


def load_places():
    names = []
    for f in ("places.csv", "admin.csv"):
        with open(DATA / "gazetteer" / f, encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row.get("needs_context") == "true" or row.get("kind") == "country":
                    continue
                if row.get("name_ar"):
                    names.append(row["name_ar"])
    return names


def load_outlets():
    try:
        doc = tomllib.loads((DATA / "outlets.toml").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return ["مرصد"]
    out = []
    for o in doc.get("outlet", []):
        ar = [s for s in o.get("aliases", []) if any("\u0600" <= c <= "\u06ff" for c in s)]
        out.append(ar[0] if ar else o.get("name", "outlet"))
    return out or ["مرصد"]


def main():
    args = sys.argv[1:]
    seed = 7
    random_dates = "--random-dates" in args
    if random_dates:
        args.remove("--random-dates")
    one = "--one-kind-one-city" in args
    if one:
        args.remove("--one-kind-one-city")
    span = 7 * 365
    if "--span-days" in args:
        i = args.index("--span-days")
        span = int(args[i + 1])
        del args[i : i + 2]
    if "--seed" in args:
        i = args.index("--seed")
        seed = int(args[i + 1])
        del args[i : i + 2]
    if len(args) != 2:
        sys.exit(__doc__)
    n, out = int(args[0]), Path(args[1])
    rng = random.Random(seed)
    actors, places, outlets = load_actors(), load_places(), load_outlets()
    start = dt.date(2017, 1, 1)
    words_total = 0
    if one:
        fixed_actors = rng.sample(actors, 2)
        fixed_place = "حلب"
    with open(out, "w", encoding="utf-8") as fh:
        for i in range(n):
            a, b = rng.sample(actors, 2)
            an, bn = rng.choice(a), rng.choice(b)
            p = rng.choice(places)
            trig, two = rng.choice(ATTACKS)
            if one:
                an, bn = fixed_actors[0][0], fixed_actors[1][0]
                p, trig = fixed_place, ATTACKS[0][0]
            head = trig.format(a=an, b=bn)
            t = rng.choice(TOLLS)
            first = f"{head}، {rng.choice(TIMES)}، في {p}، ما أدى إلى مقتل {t}، {rng.choice(SOURCES)}."
            target = rng.randint(80, 300)
            sents = [first]
            words = len(first.split())
            while words < target:
                f = rng.choice(FILLERS)
                other = p if one else rng.choice(places)
                s = f.format(a=an, b=bn, p=rng.choice([p, p, other]), t=rng.choice(TOLLS))
                sents.append(s)
                words += len(s.split())
            words_total += words
            # One draw per report either way, so both orders share every other field.
            r = rng.randrange(0, span)
            day = r if random_dates else max(0, i * span // n - r % 3)
            published = start + dt.timedelta(days=day)
            rec = {
                "id": f"gen-{i:07d}",
                "url": f"https://example.org/gen/{i}",
                "outlet": rng.choice(outlets),
                "title": f"{head} في {p}",
                "published": published.isoformat(),
                "text": " ".join(sents),
            }
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    print(f"{n} reports, {words_total / max(n, 1):.0f} words on average → {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
