"""The texts of the demo: organisations, committees, people and innovations.

Pure data, read by ``demo.seed``. Names of people are invented; organisations and
their codes are the real ones from ``organisations/data/organisations.csv``.
"""

from __future__ import annotations

import dataclasses

DEMO_PASSWORD = "spor-demo-2026"
SUPERUSER = "spor-admin"

FIRST_NAMES = [
    "Mette", "Anders", "Camilla", "Jens", "Louise", "Søren", "Hanne", "Mikkel", "Birgitte",
    "Rasmus", "Lene", "Thomas", "Pernille", "Kasper", "Susanne", "Jakob", "Tina", "Morten",
    "Charlotte", "Peter", "Maria", "Henrik", "Ida", "Niels", "Anne", "Lars", "Sofie", "Martin",
    "Karen", "Bo", "Malene", "Ole", "Signe", "Torben", "Helle", "Frederik",
]  # fmt: skip
LAST_NAMES = [
    "Holm", "Nielsen", "Sørensen", "Kristensen", "Møller", "Lund", "Dam", "Bach", "Kjær",
    "Thomsen", "Mortensen", "Vestergaard", "Lauridsen", "Østergaard", "Poulsen", "Skov",
    "Andersen", "Frederiksen", "Bruun", "Winther", "Fischer", "Madsen", "Juhl", "Ravn",
    "Borup", "Friis", "Kragh", "Bech", "Dahl", "Hald", "Iversen", "Brandt",
]  # fmt: skip

PARTIES = [
    "Socialdemokratiet",
    "Venstre",
    "Det Konservative Folkeparti",
    "SF",
    "Enhedslisten",
    "Radikale Venstre",
    "Dansk Folkeparti",
    "Liberal Alliance",
]


@dataclasses.dataclass(frozen=True)
class DemoCommittee:
    key: str
    name: str
    # Which secretary serves the committee: "main" is the organisation's `-sekretaer` user.
    secretary: str = "main"


@dataclasses.dataclass(frozen=True)
class DemoOrganisation:
    code: str
    slug: str
    committees: tuple[DemoCommittee, ...]
    # Weekday (0 = Monday) the standing committees meet on; the council meets on the last
    # weekday of that kind in the month.
    meeting_weekday: int = 1


ORGANISATIONS = (
    DemoOrganisation(
        code="0751",
        slug="aarhus",
        committees=(
            DemoCommittee("oeu", "Økonomiudvalget"),
            DemoCommittee("sundhed", "Sundheds- og Omsorgsudvalget"),
            DemoCommittee("boern", "Børne- og Ungeudvalget", secretary="second"),
            DemoCommittee("teknik", "Teknik- og Miljøudvalget", secretary="second"),
        ),
        meeting_weekday=1,
    ),
    DemoOrganisation(
        code="0461",
        slug="odense",
        committees=(
            DemoCommittee("oeu", "Økonomiudvalget"),
            DemoCommittee("aeldre", "Ældre- og Handicapudvalget"),
            DemoCommittee("boern", "Børn- og Ungeudvalget", secretary="second"),
            DemoCommittee("by", "By- og Kulturudvalget", secretary="second"),
        ),
        meeting_weekday=2,
    ),
    DemoOrganisation(
        code="1082",
        slug="midtjylland",
        committees=(
            DemoCommittee("fu", "Forretningsudvalget"),
            DemoCommittee("naere", "Udvalg for nære sundhedstilbud"),
            DemoCommittee("udvikling", "Regionalt Udviklingsudvalg", secretary="second"),
            DemoCommittee("psykiatri", "Udvalg for psykiatri og social", secretary="second"),
        ),
        meeting_weekday=3,
    ),
)


@dataclasses.dataclass(frozen=True)
class DemoInnovation:
    """One innovation and the story of its decisions.

    ``target`` is the phase it ends in. ``twists`` colour the history:
    ``postponed:<transition>`` and ``rejected:<transition>`` put a postponed or rejected
    decision before the approved one; ``split:<transition>`` gives that decision a split vote
    and a minority statement; ``changes:<transition>`` approves it with changes;
    ``referred:<transition>`` refers it to the council, which approves it at its next meeting;
    ``recycle`` sends a pilot back to exploration once; ``pause_resume`` pauses it for a
    while during testing; ``via_spreading`` completes it by spreading and closing;
    ``follow_up_date`` asks for a status at the mandate; ``corrected:<transition>`` has the
    secretary correct that decision's recorded votes two days after the meeting.
    """

    org: str
    committee: str
    title: str
    need: str
    value_direction: str
    solution: str
    scope: str
    target: str
    budget: int | None = None
    kle: str = ""
    types: tuple[str, ...] = ("service",)
    values: tuple[str, ...] = ("quality",)
    collaborators: tuple[str, ...] = ("staff",)
    twists: tuple[str, ...] = ()
    owner: str = "embedsmand"
    contact_role: str = ""
    shared: bool = False
    reused_from: tuple[str, str] | None = None  # (organisation code, title)
    stop_reason: str = ""
    stop_learning: str = ""
    pause_reason: str = ""


INNOVATIONS = (
    # --- Aarhus ---------------------------------------------------------------------------
    DemoInnovation(
        org="0751",
        committee="sundhed",
        title="Skærmbesøg i hjemmeplejen",
        need="Hjemmeplejen kører mange korte besøg, der alene handler om påmindelse om medicin "
        "og en snak om dagen. Medarbejderne bruger en stor del af tiden i bil, og flere "
        "borgere oplever besøgene som forstyrrende.",
        value_direction="Borgerne skal opleve mere selvbestemmelse over deres hverdag, og "
        "medarbejdernes tid skal bruges der, hvor den personlige kontakt gør en forskel.",
        solution="Udvalgte besøg erstattes af skærmbesøg på tablet efter aftale med borgeren; "
        "borgeren kan altid vælge et fysisk besøg i stedet.",
        scope="Hjemmeplejen i to distrikter, borgere der selv ønsker det.",
        target="spreading",
        budget=1_800_000,
        kle="27.24.00",
        types=("service", "process"),
        values=("citizen_satisfaction", "efficiency", "employee_satisfaction"),
        collaborators=("citizens", "staff", "companies"),
        twists=("follow_up_date", "split:approve_implementation"),
        contact_role="Projektleder for velfærdsteknologi, Sundhed og Omsorg",
        shared=True,
    ),
    DemoInnovation(
        org="0751",
        committee="sundhed",
        title="Sensorbaseret natteovervågning på plejecentre",
        need="Nattevagterne går faste runder og vækker beboere, der sover. Samtidig opdages "
        "fald og uro for sent.",
        value_direction="Beboerne skal have en uforstyrret nattesøvn og hurtig hjælp, når de "
        "har brug for den.",
        solution="Sensorer ved sengen, der varsler nattevagten ved fald og usædvanlig uro, i "
        "stedet for faste tilsynsrunder.",
        scope="To plejecentre; samtykke fra beboer eller pårørende.",
        target="implementing",
        budget=2_400_000,
        kle="27.24.00",
        types=("product", "process"),
        values=("quality", "employee_satisfaction"),
        collaborators=("staff", "companies", "citizens"),
        twists=("rejected:approve_implementation",),
        owner="embedsmand-2",
    ),
    DemoInnovation(
        org="0751",
        committee="sundhed",
        title="Robotstøvsugere hos borgere med praktisk hjælp",
        need="Rengøring fylder meget i den praktiske hjælp, og mange borgere ønsker hjælp til "
        "andet end støvsugning.",
        value_direction="Borgeren skal opleve et rent hjem og kunne bruge hjælpen på det, der "
        "betyder mest for dem.",
        solution="Robotstøvsugere stillet til rådighed for borgere, der kan bruge dem, og "
        "frigjort tid brugt på aftalt hjælp.",
        scope="Borgere visiteret til praktisk hjælp i hele kommunen.",
        target="completed",
        budget=650_000,
        kle="27.24.00",
        types=("product", "service"),
        values=("efficiency", "citizen_satisfaction"),
        collaborators=("citizens", "companies"),
    ),
    DemoInnovation(
        org="0751",
        committee="sundhed",
        title="Sundhedshus i Gellerup",
        need="Borgere i Gellerup har flere kroniske sygdomme og færre kontakter til egen læge "
        "end i resten af kommunen. Tilbuddene er spredt over byen.",
        value_direction="Borgerne skal opleve sammenhængende sundhedstilbud tæt på, hvor de "
        "bor, og uligheden i sundhed skal mindskes.",
        solution="",
        scope="Forundersøgelse med Region Midtjylland, praktiserende læger og boligforeninger.",
        target="exploring",
        budget=900_000,
        kle="29.30.00",
        types=("service", "process"),
        values=("quality", "political_goals", "citizen_satisfaction"),
        collaborators=("citizens", "public_bodies", "volunteers"),
        twists=("follow_up_date",),
        owner="embedsmand-2",
    ),
    DemoInnovation(
        org="0751",
        committee="sundhed",
        title="Tidlig opsporing af underernæring hos ældre",
        need="Hver femte ældre i hjemmeplejen er i risiko for underernæring, men det opdages "
        "ofte først ved en indlæggelse.",
        value_direction="",
        solution="",
        scope="",
        target="need",
        kle="29.30.00",
        values=("quality",),
        collaborators=("staff", "research"),
        twists=("postponed:mandate",),
    ),
    DemoInnovation(
        org="0751",
        committee="boern",
        title="Digital læringsplatform i udskolingen",
        need="Eleverne i udskolingen bruger mange forskellige digitale værktøjer, og lærerne "
        "bruger tid på at holde styr på afleveringer i flere systemer.",
        value_direction="Eleverne skal få mere ud af undervisningen, og lærerne skal bruge "
        "mindre tid på administration og mere på eleverne.",
        solution="En fælles læringsplatform til forløb, afleveringer og feedback, valgt sammen "
        "med lærere og elevråd.",
        scope="Tre skoler, 7.-9. klasse.",
        target="testing",
        budget=1_200_000,
        kle="17.01.00",
        types=("product", "process"),
        values=("quality", "employee_satisfaction"),
        collaborators=("staff", "citizens", "companies"),
        twists=("recycle",),
        owner="embedsmand-3",
    ),
    DemoInnovation(
        org="0751",
        committee="boern",
        title="Fremmødeteam mod ufrivilligt skolefravær",
        need="Antallet af elever med højt, ufrivilligt skolefravær er steget, og indsatsen "
        "starter ofte først, når fraværet er blevet langvarigt.",
        value_direction="Alle børn skal have et godt skoleliv, og familierne skal mødes "
        "tidligt og med én samlet indsats.",
        solution="Et tværfagligt fremmødeteam, der går ind inden for to uger, når fraværet stiger.",
        scope="Fire skoledistrikter.",
        target="evaluating",
        budget=3_100_000,
        kle="17.01.00",
        types=("service", "process"),
        values=("quality", "citizen_satisfaction"),
        collaborators=("citizens", "staff", "research"),
        twists=("corrected:approve_test",),
        owner="embedsmand-3",
    ),
    DemoInnovation(
        org="0751",
        committee="boern",
        title="Sprogstimulering på flere sprog i dagtilbud",
        need="Mange tosprogede børn starter i skole med et for lille dansk ordforråd, og "
        "forældrene inddrages for sent.",
        value_direction="Børnene skal have et stærkt sprog ved skolestart, og forældrene skal "
        "være aktive medspillere.",
        solution="Sprogkufferter, højtlæsning på to sprog og forældreworkshops i institutionen.",
        scope="Ti dagtilbud i Aarhus Vest.",
        target="paused",
        budget=800_000,
        kle="28.00.00",
        types=("service", "communication"),
        values=("quality", "democracy"),
        collaborators=("citizens", "staff", "volunteers"),
        pause_reason="Udvalget sætter afprøvningen i bero, indtil den nye sprogvurdering fra "
        "Børne- og Undervisningsministeriet foreligger.",
    ),
    DemoInnovation(
        org="0751",
        committee="teknik",
        title="Klimatilpasning med regnvandsbede i Åbyhøj",
        need="Kraftige skybrud oversvømmer kældre i Åbyhøj, og kloakken kan ikke tage vandet.",
        value_direction="Vandet skal håndteres på overfladen, hvor det skaber grønne byrum "
        "med plads til biodiversitet, og borgerne skal være med til at forme løsningen.",
        solution="Regnvandsbede og forsænkede grønne arealer langs tre boligveje, anlagt "
        "sammen med forsyningen og grundejerne.",
        scope="Tre boligveje i Åbyhøj, i samarbejde med Aarhus Vand.",
        target="implementing",
        budget=6_500_000,
        kle="01.05.00",
        types=("product", "process"),
        values=("quality", "political_goals", "democracy"),
        collaborators=("citizens", "companies", "public_bodies"),
        twists=("pause_resume", "split:approve_implementation"),
        owner="embedsmand-2",
        pause_reason="Projektet sættes i bero, indtil forsyningens budget for 2026 er vedtaget.",
    ),
    DemoInnovation(
        org="0751",
        committee="teknik",
        title="Grønne delebiler i kommunens bilflåde",
        need="Kommunens biler holder stille det meste af dagen, og mange medarbejdere kører i "
        "egen bil til møder.",
        value_direction="Kommunens transport skal være grøn og billig, og medarbejderne skal "
        "have let adgang til en bil, når de har brug for den.",
        solution="Elbiler i en fælles deleordning med booking i en app.",
        scope="Rådhuset og to administrationsbygninger.",
        target="stopped",
        budget=1_500_000,
        kle="05.00.00",
        types=("process",),
        values=("efficiency", "political_goals"),
        collaborators=("staff", "companies"),
        stop_reason="Leverandøren af bookingløsningen gik konkurs, og markedet kunne ikke "
        "levere en løsning inden for rammen.",
        stop_learning="Bookingen var den svære del, ikke bilerne. Et kommende udbud skal "
        "kræve, at data kan flyttes til en ny leverandør.",
    ),
    DemoInnovation(
        org="0751",
        committee="teknik",
        title="Affaldssortering i etageboliger med borgerinddragelse",
        need="Beboerne i etageboliger sorterer langt mindre end i parcelhuse, og "
        "affaldsrummene fungerer dårligt.",
        value_direction="Beboerne skal opleve, at det er let at sortere rigtigt, og "
        "genanvendelsen skal op.",
        solution="Affaldsrum indrettet sammen med beboerne, med piktogrammer og "
        "affaldsambassadører i opgangene.",
        scope="Fem boligafdelinger i samarbejde med boligforeningerne.",
        target="completed",
        budget=1_100_000,
        kle="07.00.00",
        types=("service", "communication"),
        values=("political_goals", "citizen_satisfaction"),
        collaborators=("citizens", "volunteers", "companies"),
        twists=("via_spreading",),
        shared=True,
        contact_role="Teamleder, Affald og Genbrug",
    ),
    DemoInnovation(
        org="0751",
        committee="oeu",
        title="Borgerpanel om budgetprioritering",
        need="Få borgere deltager i budgethøringen, og de samme stemmer går igen år efter år.",
        value_direction="Flere og andre borgere skal have indflydelse på kommunens "
        "prioriteringer, og byrådet skal kende deres begrundelser.",
        solution="",
        scope="Et lodtrukket borgerpanel forud for budget 2027.",
        target="exploring",
        budget=400_000,
        kle="00.01.00",
        types=("process", "communication"),
        values=("democracy", "political_goals"),
        collaborators=("citizens", "research"),
        twists=("changes:mandate",),
    ),
    DemoInnovation(
        org="0751",
        committee="oeu",
        title="Nærpolitisamarbejde om tryghed i boligområder",
        need="Beboerne i tre boligområder føler sig utrygge om aftenen, og kommunens, "
        "politiets og boligforeningernes indsatser er ikke koordineret.",
        value_direction="Beboerne skal føle sig trygge i deres boligområde, og indsatsen skal "
        "bygge på beboernes egne erfaringer.",
        solution="Faste tryghedsvandringer og et fælles lokalt tryghedsråd med nærpolitiet, "
        "SSP og boligsociale medarbejdere.",
        scope="Tre boligområder; Østjyllands Politi deltager.",
        target="testing",
        budget=700_000,
        kle="00.01.00",
        types=("process", "service"),
        values=("citizen_satisfaction", "political_goals"),
        collaborators=("citizens", "public_bodies", "volunteers"),
        twists=("postponed:approve_test",),
    ),
    DemoInnovation(
        org="0751",
        committee="oeu",
        title="Kunstig intelligens til journalisering af post",
        need="Medarbejderne bruger mange timer om ugen på at journalisere indgående post på "
        "de rigtige sager.",
        value_direction="",
        solution="",
        scope="",
        target="need",
        kle="00.05.00",
        types=("process",),
        values=("efficiency",),
        collaborators=("staff", "companies"),
        owner="embedsmand-3",
    ),
    DemoInnovation(
        org="0751",
        committee="oeu",
        title="Én indgang for erhvervsservice",
        need="Virksomheder skal henvende sig flere steder i kommunen for at få svar om "
        "byggeri, miljø og rekruttering.",
        value_direction="Virksomhederne skal opleve én indgang og et hurtigt, samlet svar.",
        solution="En fælles erhvervsindgang med én kontaktperson og svar inden for fem hverdage.",
        scope="Alle henvendelser fra virksomheder med under 50 ansatte.",
        target="evaluating",
        budget=1_300_000,
        kle="24.00.00",
        types=("service", "process"),
        values=("citizen_satisfaction", "efficiency"),
        collaborators=("companies", "staff"),
        owner="embedsmand-2",
    ),
    # --- Odense ---------------------------------------------------------------------------
    DemoInnovation(
        org="0461",
        committee="aeldre",
        title="Skærmbesøg i hjemmeplejen i Odense",
        need="Hjemmeplejen mangler medarbejdere, og mange korte besøg bruger tid på kørsel.",
        value_direction="Borgerne skal opleve fleksibel hjælp, og medarbejderne skal bruge "
        "tiden på pleje frem for transport.",
        solution="Aarhus' model for skærmbesøg, tilpasset Odenses hjemmeplejedistrikter.",
        scope="Ét hjemmeplejedistrikt.",
        target="testing",
        budget=600_000,
        kle="27.24.00",
        types=("service", "process"),
        values=("efficiency", "citizen_satisfaction"),
        collaborators=("citizens", "staff", "public_bodies"),
        reused_from=("0751", "Skærmbesøg i hjemmeplejen"),
    ),
    DemoInnovation(
        org="0461",
        committee="aeldre",
        title="Træningsrobot på rehabiliteringscentre",
        need="Borgere i genoptræning får for få gentagelser, fordi terapeuterne ikke kan være "
        "til stede ved hver øvelse.",
        value_direction="Borgerne skal hurtigere tilbage til en selvstændig hverdag.",
        solution="En træningsrobot til gangtræning, som borgeren bruger med terapeutens program.",
        scope="To rehabiliteringscentre.",
        target="completed",
        budget=1_400_000,
        kle="29.09.00",
        types=("product",),
        values=("quality", "efficiency"),
        collaborators=("staff", "companies", "research"),
        twists=("changes:approve_test",),
    ),
    DemoInnovation(
        org="0461",
        committee="aeldre",
        title="GPS-ure til borgere med demens",
        need="Pårørende til borgere med demens er bekymrede for, at de farer vild, og flere "
        "flytter derfor tidligere i plejebolig end nødvendigt.",
        value_direction="Borgere med demens skal kunne blive længere i eget hjem og bevæge "
        "sig frit og trygt.",
        solution="GPS-ure med alarm til pårørende, udleveret som hjælpemiddel.",
        scope="Borgere med demens i eget hjem, efter samtykke.",
        target="evaluating",
        budget=450_000,
        kle="27.36.00",
        types=("product", "service"),
        values=("citizen_satisfaction", "quality"),
        collaborators=("citizens", "volunteers", "companies"),
        owner="embedsmand-2",
    ),
    DemoInnovation(
        org="0461",
        committee="aeldre",
        title="Ny madservice med borgernes egne menuønsker",
        need="Mange borgere på madservice spiser for lidt, fordi de ikke kan lide maden.",
        value_direction="Maden skal smage, så borgerne spiser mere og bevarer kræfterne.",
        solution="Menuplan udviklet med borgerpanel og et nyt køkken med kortere leveringstid.",
        scope="Alle borgere på madservice.",
        target="stopped",
        budget=2_000_000,
        kle="27.24.00",
        types=("service",),
        values=("citizen_satisfaction", "quality"),
        collaborators=("citizens", "companies"),
        twists=("split:stop",),
        stop_reason="Det nye køkken kunne ikke levere inden for rammen, og udbuddet måtte "
        "annulleres.",
        stop_learning="Borgerpanelets menuønsker kan bruges i det eksisterende køkken; de er "
        "sendt videre til driften.",
    ),
    DemoInnovation(
        org="0461",
        committee="aeldre",
        title="Demensvenlige boliger i almene byggerier",
        need="Der mangler boliger, hvor yngre borgere med demens kan bo med deres familie og "
        "få støtte tæt på.",
        value_direction="",
        solution="",
        scope="",
        target="need",
        kle="03.00.00",
        types=("service",),
        values=("citizen_satisfaction",),
        collaborators=("citizens", "companies", "public_bodies"),
        twists=("rejected:mandate",),
    ),
    DemoInnovation(
        org="0461",
        committee="boern",
        title="Udeskole i alle indskolingsklasser",
        need="Eleverne i indskolingen bevæger sig for lidt, og undervisningen er meget "
        "stillesiddende.",
        value_direction="Børnene skal lære med hele kroppen og få naturen tæt på.",
        solution="En ugentlig udeskoledag med materialer og efteruddannelse af lærerne.",
        scope="Alle folkeskoler, 0.-3. klasse.",
        target="implementing",
        budget=2_200_000,
        kle="17.01.00",
        types=("service", "process"),
        values=("quality", "employee_satisfaction"),
        collaborators=("staff", "research", "volunteers"),
    ),
    DemoInnovation(
        org="0461",
        committee="boern",
        title="Digital forældreinddragelse i dagtilbud",
        need="Forældre oplever, at de får for lidt at vide om barnets dag, og pædagogerne "
        "bruger meget tid på beskeder.",
        value_direction="Forældrene skal føle sig inddraget i barnets hverdag uden at tage "
        "tid fra børnene.",
        solution="",
        scope="Otte daginstitutioner.",
        target="paused",
        budget=350_000,
        kle="28.00.00",
        types=("communication",),
        values=("citizen_satisfaction", "employee_satisfaction"),
        collaborators=("citizens", "staff"),
        pause_reason="Udvalget afventer den nationale løsning for kommunikation med forældre.",
        owner="embedsmand-3",
    ),
    DemoInnovation(
        org="0461",
        committee="boern",
        title="Læsevejledning med AI-værktøjer",
        need="For mange elever forlader 3. klasse uden at kunne læse sikkert.",
        value_direction="Alle elever skal lære at læse, og lærerne skal have bedre redskaber "
        "til at se, hvem der har brug for hjælp.",
        solution="",
        scope="Fem skoler, med Syddansk Universitet.",
        target="exploring",
        budget=500_000,
        kle="17.01.00",
        types=("product", "process"),
        values=("quality",),
        collaborators=("staff", "research"),
        twists=("split:mandate",),
        owner="embedsmand-3",
    ),
    DemoInnovation(
        org="0461",
        committee="boern",
        title="Forebyggende familieindsats i sundhedsplejen",
        need="Familier med begyndende problemer får først hjælp, når der er skrevet en "
        "underretning.",
        value_direction="Familierne skal have hjælp tidligt og uden at blive en sag.",
        solution="Sundhedsplejersker og familierådgivere laver åbne familiesamtaler i "
        "sundhedsplejen.",
        scope="Hele kommunen efter afprøvning i to distrikter.",
        target="spreading",
        budget=2_700_000,
        kle="28.00.00",
        types=("service", "process"),
        values=("quality", "citizen_satisfaction", "political_goals"),
        collaborators=("citizens", "staff", "research"),
        shared=True,
        contact_role="Leder af Sundhedsplejen",
    ),
    DemoInnovation(
        org="0461",
        committee="by",
        title="Klimatilpasning med skybrudsvej i Bolbro",
        need="Ved skybrud løber vand ind i boliger i Bolbro, og kloakken er overbelastet.",
        value_direction="Regnvandet skal ledes sikkert væk på overfladen og give bydelen nye "
        "grønne kvaliteter.",
        solution="En skybrudsvej, der leder vandet til et nyt regnvandsbassin i parken.",
        scope="Én vej og parken i samarbejde med VandCenter Syd.",
        target="testing",
        budget=4_800_000,
        kle="01.05.00",
        types=("product",),
        values=("quality", "political_goals"),
        collaborators=("citizens", "companies", "public_bodies"),
        twists=("rejected:approve_test",),
        owner="embedsmand-2",
    ),
    DemoInnovation(
        org="0461",
        committee="by",
        title="Mere bynatur og biodiversitet i parkerne",
        need="Parkerne klippes som græsplæner, og der er få levesteder for insekter og fugle.",
        value_direction="Parkerne skal give plads til naturen og være rare at være i.",
        solution="Vild med vilje-arealer, blomstereng og borgernes egne plantedage.",
        scope="Fire parker.",
        target="completed",
        budget=300_000,
        kle="04.00.00",
        types=("service", "communication"),
        values=("political_goals", "citizen_satisfaction"),
        collaborators=("citizens", "volunteers"),
        twists=("via_spreading",),
    ),
    DemoInnovation(
        org="0461",
        committee="by",
        title="Frivillige værter på bibliotekerne",
        need="Lokalbibliotekerne har kort bemandet åbningstid, og borgerne savner et sted at "
        "mødes om aftenen.",
        value_direction="Bibliotekerne skal være levende mødesteder, drevet sammen med borgerne.",
        solution="",
        scope="Tre lokalbiblioteker.",
        target="exploring",
        budget=250_000,
        kle="20.00.00",
        types=("service",),
        values=("democracy", "citizen_satisfaction"),
        collaborators=("citizens", "volunteers"),
    ),
    DemoInnovation(
        org="0461",
        committee="by",
        title="Sikre skoleveje i Cykelbyen",
        need="Forældre kører deres børn i skole, fordi skolevejene opleves som utrygge.",
        value_direction="Flere børn skal cykle og gå sikkert i skole.",
        solution="Skolevejsanalyser med eleverne og hurtige, midlertidige trafikforbedringer.",
        scope="Ti skoler.",
        target="implementing",
        budget=3_500_000,
        kle="05.00.00",
        types=("service", "process"),
        values=("quality", "political_goals"),
        collaborators=("citizens", "staff"),
        twists=("referred:approve_implementation",),
        owner="embedsmand-2",
    ),
    DemoInnovation(
        org="0461",
        committee="oeu",
        title="Ny model for borgerinddragelse i lokalplaner",
        need="Borgerne kommer først med i lokalplanlægningen ved den formelle høring, hvor "
        "det meste er besluttet.",
        value_direction="",
        solution="",
        scope="",
        target="need",
        kle="01.02.00",
        types=("process", "communication"),
        values=("democracy",),
        collaborators=("citizens", "companies"),
    ),
    DemoInnovation(
        org="0461",
        committee="oeu",
        title="Fælles booking af kommunale lokaler",
        need="Foreninger skal kontakte mange forskellige steder for at låne kommunale lokaler, "
        "og mange lokaler står tomme om aftenen.",
        value_direction="Foreningerne skal let kunne finde og låne ledige lokaler.",
        solution="Én bookingportal for skoler, haller og mødelokaler.",
        scope="Alle kommunale lokaler, der udlånes i dag.",
        target="paused",
        budget=900_000,
        kle="00.17.00",
        types=("service", "product"),
        values=("citizen_satisfaction", "efficiency"),
        collaborators=("volunteers", "staff", "companies"),
        pause_reason="Projektet sættes i bero, fordi budgetforliget har flyttet midlerne til 2027.",
    ),
    # --- Region Midtjylland ----------------------------------------------------------------
    DemoInnovation(
        org="1082",
        committee="naere",
        title="Virtuel sygeplejeklinik i samarbejde med kommunerne",
        need="Mange patienter kører langt til hospitalet for korte kontroller, som lige så godt "
        "kunne ske tæt på hjemmet.",
        value_direction="Patienterne skal kunne få deres kontrol, hvor de bor, og "
        "hospitalets og kommunens sygeplejersker skal arbejde sammen om dem.",
        solution="En virtuel klinik, hvor kommunale sygeplejersker tager prøverne, og "
        "hospitalets læge ser med på video.",
        scope="Tre kommuner og Regionshospitalet Gødstrup.",
        target="spreading",
        budget=3_900_000,
        types=("service", "process"),
        values=("citizen_satisfaction", "efficiency"),
        collaborators=("citizens", "public_bodies", "staff"),
        shared=True,
        contact_role="Chefkonsulent, Sundhedsplanlægning",
        twists=("follow_up_date",),
    ),
    DemoInnovation(
        org="1082",
        committee="naere",
        title="Akutteam i eget hjem",
        need="Ældre borgere indlægges ofte med tilstande, der kunne behandles i hjemmet, og "
        "indlæggelsen svækker dem.",
        value_direction="Ældre borgere skal behandles i eget hjem, når det er bedst for dem.",
        solution="Et fælles akutteam med hospitalslæger og kommunale sygeplejersker.",
        scope="Fire kommuner i Vestklyngen.",
        target="implementing",
        budget=5_500_000,
        types=("service", "process"),
        values=("quality", "citizen_satisfaction", "efficiency"),
        collaborators=("public_bodies", "staff"),
        twists=("corrected:mandate",),
        owner="embedsmand-2",
    ),
    DemoInnovation(
        org="1082",
        committee="naere",
        title="Sundhedshuse i yderområderne",
        need="Borgere i yderområder har langt til læge og hospital, og flere lægepraksisser "
        "lukker.",
        value_direction="Borgerne skal have nære sundhedstilbud, uanset hvor i regionen de bor.",
        solution="",
        scope="Forundersøgelse i tre yderkommuner.",
        target="exploring",
        budget=750_000,
        types=("service",),
        values=("political_goals", "quality"),
        collaborators=("citizens", "public_bodies"),
    ),
    DemoInnovation(
        org="1082",
        committee="naere",
        title="Telemedicinsk opfølgning for borgere med KOL",
        need="Borgere med KOL genindlægges ofte, fordi forværringer opdages for sent.",
        value_direction="Borgere med KOL skal være trygge i eget hjem og opdage forværringer "
        "i tide.",
        solution="Tablet med daglige målinger og en sygeplejerske, der følger op.",
        scope="Hele regionen, sammen med kommunerne.",
        target="completed",
        budget=4_200_000,
        types=("service", "product"),
        values=("quality", "citizen_satisfaction"),
        collaborators=("citizens", "public_bodies", "companies"),
    ),
    DemoInnovation(
        org="1082",
        committee="naere",
        title="Rygestop med app og telefonrådgivning",
        need="Mange patienter, der ryger, vil gerne stoppe før en operation, men når ikke at "
        "komme på et rygestopkursus.",
        value_direction="Patienterne skal have let adgang til hjælp til rygestop før operationen.",
        solution="En rygestop-app med telefonisk rådgiver.",
        scope="Ortopædkirurgien på to hospitaler.",
        target="stopped",
        budget=600_000,
        types=("service", "communication"),
        values=("quality",),
        collaborators=("companies", "staff"),
        stop_reason="Kommunernes rygestoptilbud dækker nu behovet, så en regional løsning "
        "ville give dobbelte tilbud.",
        stop_learning="Henvisningen fra hospitalet til kommunens tilbud var det, der manglede; "
        "den er nu indbygget i forløbet.",
    ),
    DemoInnovation(
        org="1082",
        committee="naere",
        title="Tidlig opsporing af sepsis med en algoritme",
        need="Sepsis opdages for sent i akutmodtagelserne.",
        value_direction="",
        solution="",
        scope="",
        target="need",
        types=("process", "product"),
        values=("quality",),
        collaborators=("research", "staff"),
        twists=("postponed:mandate",),
        owner="embedsmand-3",
    ),
    DemoInnovation(
        org="1082",
        committee="psykiatri",
        title="Udgående psykiatrisk team for unge",
        need="Unge med psykiske vanskeligheder venter længe på udredning, og mange kommer "
        "ikke til de første samtaler.",
        value_direction="De unge skal mødes, hvor de er, og hurtigt få den rette hjælp.",
        solution="Et udgående team, der møder de unge hjemme, på skolen eller digitalt.",
        scope="Børne- og Ungdomspsykiatrien i Herning og Viborg.",
        target="testing",
        budget=2_600_000,
        types=("service",),
        values=("quality", "citizen_satisfaction"),
        collaborators=("citizens", "public_bodies", "staff"),
        twists=("split:approve_test",),
        owner="embedsmand-2",
    ),
    DemoInnovation(
        org="1082",
        committee="psykiatri",
        title="Recovery-caféer med peer-medarbejdere",
        need="Mennesker med psykisk sygdom savner fællesskab og støtte efter udskrivelsen.",
        value_direction="Mennesker med psykisk sygdom skal komme sig og have et meningsfuldt "
        "liv med andre.",
        solution="Caféer drevet af peer-medarbejdere med egen erfaring og frivillige.",
        scope="Tre byer.",
        target="evaluating",
        budget=1_000_000,
        types=("service",),
        values=("citizen_satisfaction", "quality"),
        collaborators=("citizens", "volunteers", "public_bodies"),
    ),
    DemoInnovation(
        org="1082",
        committee="fu",
        title="Selvbooking af ambulante tider",
        need="Patienterne ringer mange gange for at flytte deres tider, og mange tider går "
        "tabt, når patienter udebliver.",
        value_direction="Patienterne skal selv kunne vælge en tid, der passer dem.",
        solution="Selvbooking i appen MinSundhedsplatform med påmindelser.",
        scope="Alle ambulatorier på Aarhus Universitetshospital.",
        target="completed",
        budget=2_100_000,
        types=("service", "product"),
        values=("efficiency", "citizen_satisfaction"),
        collaborators=("citizens", "companies", "staff"),
        twists=("via_spreading",),
        shared=True,
        contact_role="Digitaliseringschef",
    ),
    DemoInnovation(
        org="1082",
        committee="udvikling",
        title="Elbusser på de regionale ruter",
        need="De regionale busruter kører på diesel og udleder meget CO2.",
        value_direction="Den kollektive trafik skal være grøn og pålidelig for passagererne.",
        solution="Elbusser på tre regionale ruter med ladning ved endestationerne.",
        scope="Tre regionale ruter, sammen med Midttrafik.",
        target="implementing",
        budget=12_000_000,
        types=("product",),
        values=("political_goals", "quality"),
        collaborators=("public_bodies", "companies"),
        twists=("referred:approve_implementation", "split:approve_implementation"),
    ),
    DemoInnovation(
        org="1082",
        committee="udvikling",
        title="Flere praktikpladser til social- og sundhedselever",
        need="Der uddannes for få social- og sundhedsassistenter, og mange elever falder fra "
        "i praktikken.",
        value_direction="Flere skal gennemføre uddannelsen og blive i faget.",
        solution="Praktikvejledere på alle afsnit og en fælles praktikplanlægning med kommunerne.",
        scope="Alle hospitaler og 19 kommuner.",
        target="paused",
        budget=1_700_000,
        types=("process",),
        values=("employee_satisfaction", "political_goals"),
        collaborators=("public_bodies", "staff"),
        pause_reason="Udvalget sætter projektet i bero, indtil den nye "
        "uddannelsesdimensionering er kendt.",
    ),
    DemoInnovation(
        org="1082",
        committee="udvikling",
        title="Ny metode til oprensning af jordforurening",
        need="Oprensning af gamle jordforureninger er dyr og går langsomt.",
        value_direction="Forurenet jord skal renses hurtigere og billigere, så grundvandet "
        "beskyttes.",
        solution="Biologisk nedbrydning på stedet i stedet for bortgravning.",
        scope="To forurenede grunde.",
        target="testing",
        budget=2_300_000,
        types=("process",),
        values=("efficiency", "political_goals"),
        collaborators=("research", "companies"),
        owner="embedsmand-3",
    ),
    DemoInnovation(
        org="1082",
        committee="fu",
        title="Borgerpanel om prioritering i sundhedsvæsenet",
        need="Regionsrådet skal prioritere mellem behandlinger, men kender ikke borgernes "
        "syn på prioriteringerne.",
        value_direction="",
        solution="",
        scope="",
        target="need",
        types=("process",),
        values=("democracy",),
        collaborators=("citizens", "research"),
    ),
    DemoInnovation(
        org="1082",
        committee="fu",
        title="Talegenkendelse i journalføringen",
        need="Lægerne bruger meget tid på at diktere og rette journalnotater.",
        value_direction="Lægerne skal bruge mere tid på patienterne og mindre på dokumentation.",
        solution="Talegenkendelse direkte i journalen.",
        scope="Tre afdelinger på Regionshospitalet Randers.",
        target="evaluating",
        budget=1_600_000,
        types=("product", "process"),
        values=("efficiency", "employee_satisfaction"),
        collaborators=("staff", "companies"),
        twists=("postponed:approve_implementation",),
        owner="embedsmand-2",
    ),
    DemoInnovation(
        org="1082",
        committee="fu",
        title="Genbrug af medicinsk udstyr",
        need="Hospitalerne kasserer brugbart udstyr, mens andre afdelinger køber nyt.",
        value_direction="Udstyret skal bruges, så længe det er sikkert, og klimaaftrykket skal "
        "ned.",
        solution="",
        scope="Alle hospitaler.",
        target="exploring",
        budget=500_000,
        types=("process",),
        values=("political_goals", "efficiency"),
        collaborators=("staff", "companies"),
        twists=("rejected:mandate",),
    ),
)

# --- Texts of the decisions, keyed by transition ---------------------------------------------

AGENDA = {
    "mandate": "Mandat til nye løsninger",
    "amend_mandate": "Ændring af mandatet",
    "approve_test": "Godkendelse af afprøvning",
    "approve_implementation": "Godkendelse af implementering",
    "recycle": "Afprøvningens resultater og videre udforskning",
    "spread": "Evaluering og spredning",
    "complete": "Evaluering og afslutning",
    "pause": "Projektet i bero",
    "resume": "Genoptagelse af projektet",
    "stop": "Stop af projektet",
    "start_evaluation": "Orientering om drift og evaluering",
    "close": "Orientering om spredningen",
    "status": "Orientering om status",
}

RESOLUTIONS = {
    "mandate": "Udvalget giver forvaltningen mandat til at udforske nye løsninger på behovet, "
    "sammen med dem det vedrører. Udvalget fastlægger ikke løsningen, men den værdimæssige "
    "retning, som løsningen skal tjene.",
    "approve_test": "Udvalget godkender, at forvaltningen afprøver løsningen i en afgrænset "
    "periode og forelægger erfaringerne for udvalget.",
    "approve_implementation": "Udvalget godkender, at løsningen implementeres i drift på "
    "baggrund af erfaringerne fra afprøvningen.",
    "recycle": "Udvalget tager resultaterne af afprøvningen til efterretning og beder "
    "forvaltningen om at udforske andre løsninger, før der afprøves igen.",
    "spread": "Udvalget godkender evalueringen og beslutter, at løsningen deles med andre "
    "kommuner og regioner.",
    "complete": "Udvalget godkender evalueringen og afslutter projektet. Løsningen fortsætter "
    "i almindelig drift.",
    "pause": "Udvalget sætter projektet i bero.",
    "resume": "Udvalget genoptager projektet på de betingelser, der gjaldt, før det blev sat "
    "i bero.",
    "stop": "Udvalget beslutter at stoppe projektet.",
}

CHANGES = {
    "mandate": " Udvalget ønsker, at også unge og erhvervslivet inddrages i udforskningen.",
    "approve_test": " Forsøgsperioden forkortes til seks måneder, og udvalget ønsker "
    "en midtvejsstatus.",
    "approve_implementation": " Implementeringen sker i to etaper.",
}

POSTPONED = (
    "Udvalget udsætter sagen og beder forvaltningen om et uddybende notat om økonomien og "
    "om inddragelsen af medarbejderne."
)
REJECTED = (
    "Udvalget kan ikke godkende indstillingen i sin nuværende form. Forvaltningen bedes "
    "vende tilbage med et forslag, der i højere grad bygger på borgernes og medarbejdernes "
    "erfaringer."
)
REFERRED = (
    "Udvalget anbefaler indstillingen og oversender sagen til endelig beslutning i {council}."
)

MINORITY = (
    "{party} kan ikke støtte indstillingen og ønsker følgende ført til protokol: Pengene bør "
    "bruges på flere hænder i kerneopgaven frem for på et nyt projekt.",
    "{party} stemmer imod og ønsker ført til protokol, at der mangler en klar plan for, "
    "hvordan borgernes data beskyttes.",
    "{party} undlader at stemme og ønsker ført til protokol, at projektet bør evalueres "
    "af en ekstern part.",
)

STATUS = {
    "exploring": (
        "Forvaltningen har holdt workshops med borgere og medarbejdere og kortlagt fire "
        "mulige løsninger, som vurderes op mod den værdimæssige retning.",
        "Udforskningen er forsinket, fordi det har været svært at rekruttere borgere til "
        "workshops. Forvaltningen prøver nu at mødes med borgerne, hvor de er.",
    ),
    "testing": (
        "Afprøvningen er i gang. De første målinger viser, at løsningen bruges som forventet, "
        "og medarbejderne melder om færre dobbeltopgaver.",
        "Afprøvningen er kommet langsommere i gang end planlagt på grund af leverancer; "
        "forvaltningen forventer at indhente forsinkelsen.",
    ),
    "implementing": (
        "Implementeringen følger planen; løsningen er taget i brug i halvdelen af enhederne.",
        "Implementeringen er udfordret af mangel på medarbejdere; to enheder er udskudt "
        "til næste kvartal.",
    ),
    "evaluating": (
        "Evalueringen er i gang; data fra de første måneder i drift er indsamlet.",
        "Evalueringen er i gang; borgerinterviews gennemføres i næste måned.",
    ),
    "spreading": (
        "Løsningen er præsenteret for andre kommuner og regioner, og flere har vist "
        "interesse for at genbruge den.",
        "Spredningen er i gang; materialet er lagt i Spors katalog.",
    ),
}

TAKEN_NOTE = (
    "Udvalget tog orienteringen til efterretning.",
    "Udvalget tog orienteringen til efterretning og ønsker en ny status om et halvt år.",
    "Udvalget tog orienteringen til efterretning og bad forvaltningen være opmærksom på "
    "medarbejdernes arbejdsmiljø.",
)

START_EVALUATION = (
    "Løsningen er nu i fuld drift, og forvaltningen går i gang med evalueringen holdt op mod "
    "mandatets værdimæssige retning.",
    "Udvalget tog orienteringen til efterretning og ser frem til evalueringen.",
)
CLOSE = (
    "Løsningen er nu taget i brug af andre organisationer, og spredningen kan afsluttes. "
    "Materialet ligger fortsat i kataloget.",
    "Udvalget tog orienteringen til efterretning og takker for et godt stykke arbejde.",
)
CORRECTION_REASON = (
    "Referatet gengav stemmetallet forkert: ét medlem undlod at stemme. Rettet efter "
    "henvendelse fra udvalgets formand, inden referatet blev godkendt."
)

EVALUATION_LEARNING = (
    "Løsningen virker bedst, når medarbejderne er med fra begyndelsen, og når borgeren selv "
    "vælger den til. Den tekniske del var den mindste udfordring."
)
EVALUATION_RECOMMENDATION = (
    "Løsningen anbefales til andre kommuner og regioner med tilsvarende udfordringer; start "
    "med et mindre område og inddrag medarbejderne tidligt."
)
EFFECT_TEXT = {
    "quality": "Færre uplanlagte hændelser og højere faglig kvalitet ifølge audit.",
    "efficiency": "Tidsforbruget pr. borger faldt med omkring en femtedel.",
    "citizen_satisfaction": "Fire ud af fem borgere er tilfredse eller meget tilfredse.",
    "employee_satisfaction": "Medarbejderne oplever mindre spildtid og mere faglighed.",
    "democracy": "Flere og nye grupper af borgere har deltaget.",
    "political_goals": "Bidrager til kommunens mål i den politiske strategi.",
}
