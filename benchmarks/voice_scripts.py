"""The scripts voice-following is measured on, in two splits, and how each is misread.

The follower's and the listener's constants are tuned on the TUNING split only; the figures
reported (and written to RESULTS.md) come from the REPORT split, scripts the constants never
saw. The TUNING split's last three scenes were the first report split: once a rule was
written after seeing their figures they were no longer held out, so they joined the tuning
split, and the REPORT split was written afresh (2026-12-08, with names and words the
recogniser's dictionary lacks) and run once, after the constants were frozen. Each
reading leaves one line out (skipped), says an ad-lib before another, stumbles at the
start of a third (its first words, a break, then the whole line) and says one word of a
fourth twice.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Scene:
    """A script and the slips made reading it (line numbers count spoken lines from 0)."""

    name: str
    text: str
    skip: int
    ad_lib_before: int
    ad_lib: str
    stumble: int
    repeat: int  # the line with a word said twice (its middle word)


TUNING = (
    Scene(
        name="newsroom",
        text="""# The school news

SAM: Good morning and welcome to the school news.
AVA: Today the choir sang at the town hall and everyone clapped.
SAM: The football team won their match by three goals to one.
AVA: Next week is book week, so bring your favourite story.
SAM: Year four planted sunflowers beside the playground.
AVA: The library has new books about space and dinosaurs.
SAM: Please remember to bring your coat because it will be cold.
AVA: Our school garden needs helpers every Friday after lunch.
SAM: The weather will be sunny in the morning and rainy after lunch.
AVA: Congratulations to everyone who read ten books this term.
SAM: Do not forget the concert on Thursday evening.
AVA: That is all from us, thank you for watching.
""",
        skip=4,
        ad_lib_before=7,
        ad_lib="oh sorry I lost my place for a moment",
        stumble=2,
        repeat=9,
    ),
    Scene(
        name="minibeasts",
        text="""# Minibeasts

ZOE: Spiders have eight legs and most of them spin webs.
RAJ: Ladybirds eat greenfly, which helps the gardeners.
ZOE: Woodlice are not insects, they are related to crabs.
RAJ: Snails carry their shells with them wherever they go.
ZOE: A worm has no eyes but it can feel the light.
RAJ: Bees visit flowers to collect nectar and pollen.
ZOE: Centipedes hunt at night under logs and stones.
RAJ: Butterflies taste their food with their feet.
ZOE: Please be gentle if you pick up a minibeast.
RAJ: Thank you for listening to our minibeast report.
""",
        skip=6,
        ad_lib_before=3,
        ad_lib="wait a second where was I",
        stumble=8,
        repeat=1,
    ),
    Scene(
        name="water cycle",
        text="""# The water cycle

MIA: Hello, today we are going to learn about the water cycle.
MIA: The sun warms the water in the sea and in lakes.
MIA: The warm water turns into a gas called water vapour.
MIA: This is called evaporation.
MIA: High in the sky the vapour cools down and makes clouds.
MIA: When the clouds get heavy, the water falls as rain.
MIA: Rivers carry the rain back to the sea.
MIA: Then the whole cycle starts all over again.
MIA: Try drawing the water cycle with arrows in your book.
MIA: Goodbye, and keep asking questions!
""",
        skip=3,
        ad_lib_before=6,
        ad_lib="um let me see that is a good one",
        stumble=4,
        repeat=7,
    ),
    Scene(
        name="fractions",
        text="""# Fractions

LEO: Hi everyone, this lesson is all about fractions.
LEO: A fraction is part of a whole thing.
LEO: If you cut a pizza into four equal slices, each slice is a quarter.
LEO: The number on the bottom tells you how many parts there are.
LEO: The number on the top tells you how many parts you have.
LEO: Two quarters are the same as one half.
LEO: Bigger numbers on the bottom mean smaller pieces.
LEO: So one eighth is smaller than one third.
LEO: Practise by folding a piece of paper into equal parts.
LEO: Thanks for watching, see you next time.
""",
        skip=5,
        ad_lib_before=2,
        ad_lib="hang on I need a drink of water",
        stumble=7,
        repeat=3,
    ),
    Scene(
        name="volcanoes",
        text="""# Volcanoes

AMY: Welcome to our film about volcanoes.
BEN: A volcano is an opening in the crust of the Earth.
AMY: Deep underground the rock is so hot that it melts.
BEN: Melted rock under the ground is called magma.
AMY: When it comes out of the volcano we call it lava.
BEN: Some volcanoes are active and could erupt at any time.
AMY: Others are dormant, which means they are sleeping.
BEN: Ash from a volcano can make the soil very rich.
AMY: Scientists watch volcanoes carefully to keep people safe.
BEN: We hope you enjoyed learning about volcanoes.
""",
        skip=7,
        ad_lib_before=4,
        ad_lib="oops I mean sorry let me start again",
        stumble=2,
        repeat=8,
    ),
    Scene(
        name="healthy eating",
        text="""# Healthy eating

KAI: Good afternoon, we are going to talk about healthy eating.
JOY: Fruit and vegetables give us vitamins to help us grow.
KAI: Try to eat five portions of them every day.
JOY: Bread, rice and pasta give us energy for playing.
KAI: Milk and cheese help to build strong teeth and bones.
JOY: Too much sugar is bad for your teeth.
KAI: Drinking water is better than fizzy drinks.
JOY: Remember to wash your hands before you eat.
KAI: A healthy breakfast is a great start to the school day.
JOY: Thank you for watching our healthy eating guide.
""",
        skip=2,
        ad_lib_before=8,
        ad_lib="oh no I forgot what comes next",
        stumble=5,
        repeat=6,
    ),
)

REPORT = (
    Scene(
        name="ancient Egypt",
        text="""# Ancient Egypt

NIA: Hello, today we are travelling back in time to ancient Egypt.
OLU: The Egyptians lived beside the river Nile more than three thousand years ago.
NIA: Every summer the Nile flooded and left rich mud for growing crops.
OLU: They wrote with pictures called hieroglyphs on paper made from papyrus.
NIA: The kings and queens of Egypt were called pharaohs.
OLU: Tutankhamun became pharaoh when he was only nine years old.
NIA: In nineteen twenty two, Howard Carter found his tomb full of gold.
OLU: The pyramids at Giza were built as tombs for the pharaohs.
NIA: Bodies were wrapped in linen to make mummies, a process called mummification.
OLU: Thanks for joining us on our journey to ancient Egypt.
""",
        skip=6,
        ad_lib_before=3,
        ad_lib="sorry I have got a tickle in my throat",
        stumble=8,
        repeat=1,
    ),
    Scene(
        name="how plants grow",
        text="""# How plants grow

ELLA: Plants make their own food using sunlight, water and air.
FINN: This clever trick is called photosynthesis.
ELLA: The green colour in leaves comes from chlorophyll, which catches the light.
FINN: Tiny holes under the leaves, called stomata, let the air in.
ELLA: The roots drink water from the soil and hold the plant steady.
FINN: Water travels up the stem to every leaf.
ELLA: Flowers are bright and smell sweet to attract bees and butterflies.
FINN: Seeds can be carried away by the wind, by water or by animals.
ELLA: In our class experiment, the cress on the windowsill grew fastest.
FINN: Why not grow a bean in a jar and watch what happens?
""",
        skip=4,
        ad_lib_before=7,
        ad_lib="hmm what was I going to say",
        stumble=2,
        repeat=5,
    ),
    Scene(
        name="Romans in Britain",
        text="""# The Romans in Britain

OSCAR: The Romans came to Britain nearly two thousand years ago.
PRIYA: Their soldiers marched along long straight roads.
OSCAR: A Roman soldier carried a heavy shield, a sword and his food.
PRIYA: Boudicca, queen of the Iceni tribe, fought bravely against them.
OSCAR: Her army burned the Roman town of Colchester.
PRIYA: Emperor Hadrian built a wall across the north of England.
OSCAR: Rich Romans had central heating under their floors, called a hypocaust.
PRIYA: They also built public baths where people met their friends.
OSCAR: Many of our words, like aqueduct and century, come from Latin.
PRIYA: Goodbye, or as the Romans said, vale!
""",
        skip=2,
        ad_lib_before=5,
        ad_lib="wait I think I missed a bit there",
        stumble=7,
        repeat=8,
    ),
)

SPLITS = {"tuning": TUNING, "report": REPORT}
