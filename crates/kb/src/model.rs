//! The knowledge-base records: actors, places, triggers, cues and outlets.

use serde::{Deserialize, Serialize};
use std::ops::Range;

/// An armed group, force, or population that can take part in an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    /// Stable slug, e.g. `sdf`.
    pub id: String,
    /// English canonical name (ACLED style where one exists).
    pub name: String,
    /// ACLED-like actor category.
    pub kind: ActorKind,
    /// ISO 3166-1 alpha-2 code of the actor's country, if any.
    #[serde(default)]
    pub country: Option<String>,
    /// Id of the umbrella actor (e.g. `asayish` → `sdf`).
    #[serde(default)]
    pub parent: Option<String>,
    /// Surface forms that name this actor outright (normalized at load).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Short generic forms that refer to this actor only after it was fully named in the same
    /// document (normalized at load).
    #[serde(default)]
    pub anaphors: Vec<String>,
    /// Fights on the Syrian government's side (or is the state's own force in Iraq): a place it
    /// takes by fighting is ACLED's "Government regains territory", not "Non-state actor
    /// overtakes territory". Read off the family's top actor.
    #[serde(default)]
    pub pro_government: bool,
    /// Strikes in the war from the air only (the US-led coalition): a bare bombardment word
    /// with it as the subject ("قصفت قوات التحالف الدولي المليشيات") is an air strike.
    #[serde(default)]
    pub air_power: bool,
    /// Id of the actor whose side this one fights on as one party (the opposition's factions:
    /// `opposition`), for telling the two sides of a battle apart; none means its own family.
    #[serde(default)]
    pub side: Option<String>,
}

/// Actor categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    StateForces,
    RebelGroup,
    PoliticalMilitia,
    IdentityMilitia,
    Civilians,
    ExternalForce,
    Protesters,
    #[default]
    Other,
}

impl ActorKind {
    /// ACLED's `inter` label for actors of this kind (its codebook, 2023 onwards).
    pub fn acled_inter(self) -> &'static str {
        match self {
            ActorKind::StateForces => "State forces",
            ActorKind::RebelGroup => "Rebel group",
            ActorKind::PoliticalMilitia => "Political militia",
            ActorKind::IdentityMilitia => "Identity militia",
            ActorKind::Civilians => "Civilians",
            ActorKind::ExternalForce => "External/Other forces",
            ActorKind::Protesters => "Protesters",
            ActorKind::Other => "External/Other forces",
        }
    }
}

/// A named place from the gazetteer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Place {
    pub id: String,
    pub kind: PlaceKind,
    /// English name.
    pub name: String,
    /// Arabic name as written (matched after normalization).
    pub name_ar: String,
    /// Other Arabic spellings (matched after normalization).
    pub variants: Vec<String>,
    /// ISO2 country code.
    pub country: String,
    pub admin1: Option<String>,
    pub admin2: Option<String>,
    pub admin3: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// Id of the enclosing place.
    pub parent: Option<String>,
    /// The name is also a common word: accept it only after a place-type cue.
    pub needs_context: bool,
    /// Where the record comes from (credit line).
    pub source: String,
    /// `source` starts with [`BULK_VILLAGE_SOURCE`]: set when the row is parsed and again when
    /// the knowledge base is (re)built, so the hot path tests a bool, not a string prefix.
    #[serde(skip)]
    pub bulk_village: bool,
}

/// Source prefix of the bulk village rows (`data/gazetteer/villages.csv`, generated from
/// Who's On First / GeoNames): they add names, never a new reading of a name already known.
pub const BULK_VILLAGE_SOURCE: &str = "Who's On First / GeoNames";

impl Place {
    /// A row of the bulk village list. When such a row shares its name with a hand-checked row
    /// (admin unit, city, `places.csv`), the hand-checked row is the reading unless a place word
    /// fits only the village (see `marsad_extract::geo::resolve_all`).
    #[inline]
    pub fn is_bulk_village(&self) -> bool {
        self.bulk_village
    }
}

/// Place categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaceKind {
    Country,
    Governorate,
    District,
    #[serde(alias = "sub_district")]
    Subdistrict,
    City,
    Town,
    Village,
    #[serde(alias = "neighborhood")]
    Neighbourhood,
    #[serde(alias = "oilfield")]
    OilField,
    #[serde(alias = "gasfield")]
    GasField,
    #[serde(alias = "crossing")]
    BorderCrossing,
    RiverCrossing,
    Camp,
    Base,
    Airport,
    Dam,
    Bridge,
    Desert,
    Mountain,
    Region,
}

impl PlaceKind {
    /// Country, governorate, district or sub-district.
    pub fn is_admin(&self) -> bool {
        matches!(
            self,
            PlaceKind::Country
                | PlaceKind::Governorate
                | PlaceKind::District
                | PlaceKind::Subdistrict
        )
    }

    /// Higher = more specific: neighbourhood/site/village (6) > town (5) > city (4) >
    /// sub-district (3) > district and mountain (2) > governorate/region/desert (1) > country (0).
    pub fn specificity(&self) -> u8 {
        match self {
            PlaceKind::Country => 0,
            PlaceKind::Governorate | PlaceKind::Region | PlaceKind::Desert => 1,
            PlaceKind::District | PlaceKind::Mountain => 2,
            PlaceKind::Subdistrict => 3,
            PlaceKind::City => 4,
            PlaceKind::Town => 5,
            PlaceKind::Village
            | PlaceKind::Neighbourhood
            | PlaceKind::OilField
            | PlaceKind::GasField
            | PlaceKind::BorderCrossing
            | PlaceKind::RiverCrossing
            | PlaceKind::Camp
            | PlaceKind::Base
            | PlaceKind::Airport
            | PlaceKind::Dam
            | PlaceKind::Bridge => 6,
        }
    }
}

/// Defines a closed ACLED vocabulary: the enum, `ALL`, `as_str()` (ACLED's exact name),
/// `Display`, `FromStr`, and serde by that name.
macro_rules! acled_enum {
    ($(#[$m:meta])* $name:ident, $what:literal { $($(#[$vm:meta])* $var:ident => $s:literal,)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vm])* $var,)+
        }

        impl $name {
            /// Every value, in ACLED's order.
            pub const ALL: &'static [$name] = &[$($name::$var,)+];

            /// ACLED's exact name.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$var => $s,)+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = UnknownAcledName;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($s => Ok($name::$var),)+
                    _ => Err(UnknownAcledName { what: $what, name: s.to_string() }),
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
                ser.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
                let s = std::borrow::Cow::<'de, str>::deserialize(de)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

/// A name that is not in an ACLED vocabulary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownAcledName {
    /// Which vocabulary: "event_type" or "sub_event_type".
    pub what: &'static str,
    /// The name as given.
    pub name: String,
}

impl std::fmt::Display for UnknownAcledName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown {} {:?}", self.what, self.name)
    }
}

impl std::error::Error for UnknownAcledName {}

acled_enum! {
    /// ACLED event types.
    EventType, "event_type" {
        Battles => "Battles",
        ExplosionsRemoteViolence => "Explosions/Remote violence",
        ViolenceAgainstCivilians => "Violence against civilians",
        Protests => "Protests",
        Riots => "Riots",
        StrategicDevelopments => "Strategic developments",
    }
}

acled_enum! {
    /// ACLED sub-event types.
    SubEventType, "sub_event_type" {
        ArmedClash => "Armed clash",
        GovernmentRegainsTerritory => "Government regains territory",
        NonStateActorOvertakesTerritory => "Non-state actor overtakes territory",
        AirDroneStrike => "Air/drone strike",
        ShellingArtilleryMissileAttack => "Shelling/artillery/missile attack",
        RemoteExplosiveLandmineIed => "Remote explosive/landmine/IED",
        SuicideBomb => "Suicide bomb",
        Grenade => "Grenade",
        ChemicalWeapon => "Chemical weapon",
        Attack => "Attack",
        AbductionForcedDisappearance => "Abduction/forced disappearance",
        SexualViolence => "Sexual violence",
        PeacefulProtest => "Peaceful protest",
        ProtestWithIntervention => "Protest with intervention",
        ExcessiveForceAgainstProtesters => "Excessive force against protesters",
        ViolentDemonstration => "Violent demonstration",
        MobViolence => "Mob violence",
        Agreement => "Agreement",
        Arrests => "Arrests",
        ChangeToGroupActivity => "Change to group/activity",
        DisruptedWeaponsUse => "Disrupted weapons use",
        HeadquartersOrBaseEstablished => "Headquarters or base established",
        LootingPropertyDestruction => "Looting/property destruction",
        NonViolentTransferOfTerritory => "Non-violent transfer of territory",
        Other => "Other",
    }
}

impl SubEventType {
    /// The ACLED event type this sub-event type belongs to.
    pub const fn event_type(self) -> EventType {
        use SubEventType::*;
        match self {
            ArmedClash | GovernmentRegainsTerritory | NonStateActorOvertakesTerritory => {
                EventType::Battles
            }
            AirDroneStrike
            | ShellingArtilleryMissileAttack
            | RemoteExplosiveLandmineIed
            | SuicideBomb
            | Grenade
            | ChemicalWeapon => EventType::ExplosionsRemoteViolence,
            Attack | AbductionForcedDisappearance | SexualViolence => {
                EventType::ViolenceAgainstCivilians
            }
            PeacefulProtest | ProtestWithIntervention | ExcessiveForceAgainstProtesters => {
                EventType::Protests
            }
            ViolentDemonstration | MobViolence => EventType::Riots,
            Agreement
            | Arrests
            | ChangeToGroupActivity
            | DisruptedWeaponsUse
            | HeadquartersOrBaseEstablished
            | LootingPropertyDestruction
            | NonViolentTransferOfTerritory
            | Other => EventType::StrategicDevelopments,
        }
    }
}

/// A phrase that signals an event (or, without a sub-event type, blocks shorter triggers inside
/// it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trigger {
    /// Normalized phrase; a trailing `*` means the last word may continue.
    pub phrase: String,
    /// ACLED sub-event type; `None` = blocker (written `""` in the data file).
    pub sub_event_type: Option<SubEventType>,
    /// Label grouping triggers that describe the same kind of happening.
    pub frame: String,
    /// Finite verb form (true) or noun/masdar (false).
    pub verbal: bool,
    /// Words (normalized; may end in `*`) at least one of which must occur within `window`
    /// tokens of the phrase. Empty = no requirement.
    pub requires: Vec<String>,
    /// Token window for `requires`.
    pub window: usize,
}

impl Trigger {
    /// A blocker suppresses the triggers it covers and is never reported.
    pub fn is_blocker(&self) -> bool {
        self.sub_event_type.is_none()
    }

    /// ACLED event type (`None` for a blocker).
    pub fn event_type(&self) -> Option<EventType> {
        self.sub_event_type.map(SubEventType::event_type)
    }

    /// Whether this trigger reports `sub` (never true for a blocker).
    pub fn is(&self, sub: SubEventType) -> bool {
        self.sub_event_type == Some(sub)
    }
}

/// A word or phrase that qualifies an event or a mention (source, denial, direction, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cue {
    /// Normalized phrase; a trailing `*` means the last word may continue.
    pub phrase: String,
    pub kind: CueKind,
    /// For `date_relative`: days from the report date (-1 for "أمس"); for `time_unit`: its
    /// length in days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<i32>,
    /// For `date_relative` weekday names: ISO weekday, 1 = Monday ... 7 = Sunday.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekday: Option<u32>,
    /// For `date_relative`: ACLED time precision of the resolved date (1 day, 2 week, 3 month).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<u8>,
    /// For `source`: a source that is no person (sources, agencies, networks, sites, pages): an
    /// actor named right after it only says whose voice reports the event.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub impersonal: bool,
}

/// Cue categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CueKind {
    Source,
    ReportVerb,
    Denial,
    Hedge,
    Rumour,
    Kill,
    Injury,
    ArrestedCount,
    Habitual,
    Background,
    Destination,
    Origin,
    Mediator,
    Secret,
    Term,
    Countryside,
    DirectionN,
    DirectionS,
    DirectionE,
    DirectionW,
    #[serde(rename = "direction_ne")]
    DirectionNE,
    #[serde(rename = "direction_nw")]
    DirectionNW,
    #[serde(rename = "direction_se")]
    DirectionSE,
    #[serde(rename = "direction_sw")]
    DirectionSW,
    Near,
    PlaceType,
    Purpose,
    DateRelative,
    Duration,
    Question,
    /// Clause-opening connectives ("فيما", "من جهة أخرى", ...).
    Connective,
    /// Words before an actor naming its area of control ("مناطق سيطرة", "تحت سيطرة", ...).
    ControlArea,
    /// Verbs of arriving ("وصل", "وصول", ...): a following "إلى X" is where the subject is.
    Arrival,
    /// An elliptic second event ("وأخرى في ..."): the event before, again, elsewhere.
    Another,
    /// "بين" introducing the two parties of an agreement or a clash.
    Between,
    /// Dual nouns that carry a count of two ("عنصرين", "شخصين").
    DualNoun,
    /// Words that end a cited-source phrase ("في", "عن", "أن").
    StopWord,
    /// A copyright line ("جميع الحقوق محفوظة") naming the outlet.
    Copyright,
    /// Units of time with their length in `days` ("شهر", "أشهر", "أسبوعين").
    TimeUnit,
    /// "قابل للتمديد": a duration that can be extended.
    Extendable,
    /// Relative pronouns ("التي", "الذي"): after an event noun they describe, not report.
    Relative,
    /// Negation before a trigger ("لم تسجل أي اشتباكات"): the event did not happen.
    Negation,
    /// Territory changed hands without a fight ("دون قتال", "بعد انسحاب"): a takeover in its
    /// sentence is a non-violent transfer, not a battle.
    NoFighting,
    /// Page furniture that closes a page's header ("حجم الخط", "آخر تحديث", "تاريخ النشر"):
    /// text before it near the top of the page is menu, headline and byline, not the body.
    PageChrome,
    /// "إضافة إلى", "بالإضافة إلى": "in addition to", so the "إلى" in it is no destination.
    Addition,
    /// A tally over a war, a year or a campaign ("منذ بداية الحرب", "خلال الشهر الماضي"): a toll
    /// in its clause is no single event's.
    TollTotal,
    /// "ارتفعت الحصيلة إلى", "ارتفع عدد القتلى": the figure after it replaces the toll told.
    TollRise,
    /// People counted who are not dead ("متظاهرين", "نازحين", "شارك"): a count after them is theirs.
    NonFatal,
    /// "بينهم", "من بينهم": a count after it is part of one already told, not added to it.
    PartOf,
    /// What may or would happen ("قد يؤدي إلى", "يهدد", "لو"): no toll of a happening.
    Irrealis,
    /// Words that introduce the page's own date ("نشر في", "تاريخ النشر", "آخر تحديث"): a date
    /// right after one is the report date.
    Published,
    /// Words of a page-header box holding the day the page was viewed, not written ("عدد اليوم",
    /// "اليوم :"): a date right after one is never the report date.
    TodayBox,
    /// Aircraft ("طائرة", "الطيران", "مقاتلات", "القوات الجوية"): a bare bombardment word in a
    /// clause that names one is an air strike (the codebook's "a bare قصف with no aircraft in
    /// its clause" is shelling).
    Aircraft,
    /// Prepositions of place ("في", "داخل"): a name after one is named as a place, not as a
    /// government ("أعلنت موسكو") or a person.
    Locative,
    /// "ومقره", "يتخذ من": what follows is the seat of a source or body, not a place of the news.
    Seat,
    /// Verbs of taking off or setting out ("أقلعت", "انطلقت"): "من X" after one is where the
    /// attack came from, not where it happened.
    Departure,
    /// Opinion and analysis ("يرى مراقبون", "في رأي", "الخبير العسكري"): battle words in a
    /// sentence that opens this way tell what someone thinks, not what happened.
    Opinion,
    /// Words a list page repeats with every item ("عدد المشاهدات", "اقرأ المزيد"): like a
    /// lead cut short with ". . .", each marks one item of a tag, archive or category page.
    ListItem,
    /// Furniture that opens links, tags or share boxes inside the text ("مواضيع ذات صلة",
    /// "الكلمات المفتاحية", "تابعونا على", "مباشر عاجل"): the sentence holding one is furniture
    /// and the headlines glued to it, not the report.
    Furniture,
    /// Generic plural words for ground ("المناطق", "النقاط", "الأحياء", "القرى"): a takeover
    /// in a relative clause after one ("المناطق التي سيطر عليها التنظيم") describes whose
    /// ground it is, not a happening.
    TerritoryNoun,
    /// Fighters counted among the dead or wounded ("عنصرا", "مقاتلين", "جنود", "مسلحين"): the
    /// toll of a strike is then the armed side's, not civilians'.
    Combatant,
    /// A civilian building or vehicle as what is hit ("على منزل", "منزلا", "على حافلة",
    /// "على سوق"): an assault on one is violence against civilians, not a battle.
    CivilianTarget,
    /// The credit that closes a photo caption ("( رويترز - أرشيف )", "( أرشيفية )"): what
    /// comes before it in its sentence is the caption, not the report.
    CaptionCredit,
    /// Words that name a backer ("بدعم من", "المدعومة من", "بغطاء جوي من"): the actor right
    /// after one supported the event, it did not take part in it (codebook, settled cases).
    Supporter,
    /// "Since" a long while ("منذ بداية العام", "منذ أشهر", "منذ سنوات"): fighting told so is a
    /// campaign going on, not a happening of one day (a written date after "منذ" counts too).
    SinceLong,
    /// Words that join a bombardment to the fighting it went with ("ترافقت مع", "وسط",
    /// "بالتزامن مع"): "اشتباكات ترافقت مع قصف" is one clash (codebook).
    Accompaniment,
    /// Verbs of achieving ("تمكن", "استطاع", "نجح"): a verbal noun they govern ("وتمكن الجيش من
    /// السيطرة على ...") tells the happening, it does not refer back to one, whatever its article.
    Achievement,
    /// The sound of a blast ("دوي انفجار"): an explosion heard, whose cause the report does not
    /// know, is no happening of its own.
    Sound,
}

/// A news outlet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Outlet {
    pub id: String,
    /// English name.
    pub name: String,
    /// Arabic name as the outlet writes it.
    #[serde(default)]
    pub name_ar: Option<String>,
    /// Arabic and Latin surface forms (normalized at load).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The name is also a common word or a place: accept only in a byline or after "قناة".
    #[serde(default)]
    pub ambiguous: bool,
    /// Web domains it publishes on, lowercase without "www." ("aljazeera.net"); a page on a
    /// subdomain ("arabic.cnn.com") belongs to the longest listed domain it ends with.
    #[serde(default)]
    pub domains: Vec<String>,
    /// ISO 3166 alpha-2 code of the country it is based in.
    #[serde(default)]
    pub country: Option<String>,
    /// ACLED source scale, where known.
    #[serde(default)]
    pub source_scale: Option<SourceScale>,
    /// A wire agency or monitor that other outlets quote ("رويترز", "المرصد السوري"): named on
    /// a page it is the cited source; it is the outlet only on its own domain.
    #[serde(default)]
    pub cited: bool,
}

/// ACLED's source scale: the reach of the outlet that reported an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SourceScale {
    Local,
    Subnational,
    National,
    Regional,
    International,
    #[serde(rename = "New media")]
    NewMedia,
    Other,
}

impl SourceScale {
    /// ACLED's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceScale::Local => "Local",
            SourceScale::Subnational => "Subnational",
            SourceScale::National => "National",
            SourceScale::Regional => "Regional",
            SourceScale::International => "International",
            SourceScale::NewMedia => "New media",
            SourceScale::Other => "Other",
        }
    }
}

/// What a mention points to (indexes into the knowledge-base vectors).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Entity {
    Actor(usize),
    Place(usize),
    Outlet(usize),
    Trigger(usize),
    Cue(usize),
}

/// Everything the knowledge base finds in one normalized text (see
/// [`crate::KnowledgeBase::find_all`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Matches {
    /// Actors, places and outlets.
    pub entities: Vec<Mention>,
    pub triggers: Vec<Mention>,
    pub cues: Vec<Mention>,
}

/// A match in normalized text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mention {
    /// Normalized byte range of the matched name, proclitics excluded.
    pub range: Range<usize>,
    /// The proclitic(s) glued before it (possibly empty, then `prefix.end == range.start`).
    pub prefix: Range<usize>,
    pub entity: Entity,
    /// Matched through [`Actor::anaphors`].
    pub anaphor: bool,
}
