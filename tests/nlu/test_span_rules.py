"""The rules that repair a tagged location span's edges (nlu/embedded/spans.py).

The tagger is statistical; these rules are not, so they are tested on their own: a doc goes
through the lexicon component only (folded NORM, word class in LEMMA), a span is given as the
tagger might have predicted it, and the rules must return the span the data's convention
(nlu/data/README.md) asks for.
"""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

import nlu.embedded.components  # noqa: F401  (registers the lexicon)
from nlu.embedded import landmark_fallback, spans
from nlu.embedded.store import place_phrases
from nlu.training_data import load, split_dir


@pytest.fixture(scope="module")
def nlp() -> Language:
    pipeline = spacy.blank("xx")
    lexicon = pipeline.add_pipe("safercity_lexicon", name="lexicon")
    lexicon.set_phrases(place_phrases(load(split_dir("train"))))  # type: ignore[attr-defined]
    return pipeline


def _doc(nlp: Language, text: str) -> Doc:
    return nlp(text)


def _refined(nlp: Language, text: str, predicted: str) -> str | None:
    doc = _doc(nlp, text)
    span = doc.char_span(text.index(predicted), text.index(predicted) + len(predicted))
    assert span is not None, "test spans fall on token boundaries"
    bounds = spans.refine(doc, span.start, span.end)
    return None if bounds is None else doc[bounds[0] : bounds[1]].text


@pytest.mark.parametrize(
    ("text", "predicted", "expected"),
    [
        # "in front of" is one relation; Kriol says "front a", without "eena"
        ("someone dumped puppies in front of the church", "front of the church",
         "in front of the church"),
        ("mi kyar get bruk eena front a di bank", "eena front a di bank", "front a di bank"),
        # a distance moves the point and belongs to the span
        ("they sell drugs two doors from the chinese shop", "the chinese shop",
         "two doors from the chinese shop"),
        ("venden droga a una cuadra del parque", "parque", "a una cuadra del parque"),
        # a distance cut at its link takes the place it measures from
        ("dehn shat wahn bwai two door fram di chainee shop eena las flores", "two door fram",
         "two door fram di chainee shop eena las flores"),
        # above moves the point like over; the part of a place after its name stays in
        ("girls living above the club not allowed to go outside", "above the club",
         "above the club"),
        ("overgrown bushes at the park entrance make it dark", "the park",
         "the park entrance"),
        ("la tienda vende licor a un lado de la escuela primaria", "la escuela",
         "la escuela primaria"),
        # a part-of noun takes its complement; a street name takes its last noun
        ("the dogs at the corner of mahogany street bite", "the corner",
         "the corner of mahogany street"),
        ("men at the corner of hibiscus and orchid street holla", "the corner of hibiscus and",
         "the corner of hibiscus and orchid street"),
        # the rest of the sentence, a time or a plea is cut off
        ("a guy recorded me at the pool and posted it", "the pool and posted", "the pool"),
        # ...but not inside a known name
        ("there is zero security at the belmopan market and bus terminal after 8",
         "the belmopan market and bus terminal", "the belmopan market and bus terminal"),
        # a landmark before a distance is the scene when a word attaches it
        ("dehn bruk eena di supamaakit tu blaks fram di sinima las nait",
         "tu blaks fram di sinima", "di supamaakit tu blaks fram di sinima"),
        ("the shop two doors from the church sells beer to kids", "two doors from the church",
         "two doors from the church"),
        ("no me siento segura en la parada de bus de noche", "la parada de bus de",
         "la parada de bus"),
        ("dogs attacking a boy behind the school help", "behind the school help",
         "behind the school"),
        # a verb or particle the tagger swallowed before the place is dropped
        ("a pit bull roams the park every morning", "roams the park", "the park"),
        ("dehn lack ahn up roaring creek", "up roaring creek", "roaring creek"),
        # a known place name is never cut in two, and keeps its article
        ("di bridge noh gat noh rail", "bridge", "di bridge"),
        # a generic noun that only carries the place after it is no part of it
        ("fire spreading to the houses behind the clinic", "the houses behind the clinic",
         "behind the clinic"),
        ("goats eating in the road in cotton tree", "the road in cotton tree", "cotton tree"),
        ("venden droga en la casa azul atras de la cancha", "la casa azul atras de la cancha",
         "atras de la cancha"),
        # a landmark located by a place comes along, unless it is what is reported
        ("a man robbing the shop on bliss parade right now", "bliss parade",
         "the shop on bliss parade"),
        ("the old hotel on bliss parade is a hideout", "bliss parade", "bliss parade"),
        # "from", "fram" and a Spanish "a" before an article only attach the place
        ("wan man di folla mi fram di bus stop", "fram di bus stop", "di bus stop"),
        ("los perros mordieron a dos niños cerca a la escuela", "a la escuela", "la escuela"),
        # a call for help starts the rest of the message
        ("hearing gunshots right now across from the stadium call police",
         "across from the stadium call police", "across from the stadium"),
        # a place's name, one word and a landmark noun are one landmark; a time, a pronoun
        # or "and" between them is not a word of the name
        ("huge pothole in front of the belmopan fire station", "in front of the belmopan",
         "in front of the belmopan fire station"),
        ("stray dogs sleeping at St. Michael's RC School", "St. Michael's",
         "St. Michael's RC School"),
        ("robbery in salvapan today school was closed", "salvapan", "salvapan"),
        ("no lights behind the bus terminal its pitch black", "behind the bus terminal",
         "behind the bus terminal"),
        # a road nobody named only carries the relation, distance or place after it
        ("cows loose on the highway a mile past armenia", "the highway a mile past armenia",
         "a mile past armenia"),
        ("vacas sueltas en la carretera entre san pablo y san narciso",
         "la carretera entre san pablo y san narciso", "entre san pablo y san narciso"),
        ("potholes on the road behind the market", "the road behind the market",
         "behind the market"),
        ("the road in front of the clinic is dark", "the road in front of the clinic",
         "in front of the clinic"),
        ("cows on di hywe eena double head cabbage", "double head cabbage",
         "double head cabbage"),
        # a road or path nobody named leads to the place (the training split's majority
        # of three): only the place is the span, unless the road is named by it
        ("the road to armenia full a hole", "the road to armenia", "armenia"),
        ("the trees along the walkway to the market need trimming", "the walkway to the market",
         "the market"),
        ("the bush along the back road to roaring creek so thick", "the back road to roaring creek",
         "roaring creek"),
        ("pedestrians have nowhere to walk on the highway through roaring creek",
         "the highway through roaring creek", "roaring creek"),
        ("hoyos por todos lados en la calle del hospital", "la calle del hospital", "hospital"),
        ("vacas en la carretera del norte", "la carretera del norte", "la carretera del norte"),
        # "all over" is everywhere on it; "that" opens a clause, not a place
        ("potholes all over the highway between belmopan and roaring creek",
         "over the highway between belmopan and roaring creek",
         "between belmopan and roaring creek"),
        ("she said that the bar in san ignacio sells to kids", "the bar in san ignacio",
         "the bar in san ignacio"),
        ("girls at that club every night", "that club", "that club"),
        # an unnamed road after a named place adds nothing (a landmark word is no name)
        ("wi deh pas hattieville pan di highway", "pas hattieville pan di highway",
         "pas hattieville"),
        ("accidente a dos millas de san ignacio en la carretera",
         "a dos millas de san ignacio en la carretera", "a dos millas de san ignacio"),
        ("girls working at the bar on the highway", "the bar on the highway",
         "the bar on the highway"),
        # a neighbourhood's name: "la colonia" comes along (but "la colonia de [X]")
        ("en la colonia las flores no hay luz", "las flores", "la colonia las flores"),
        ("mi vecina de la colonia salvapan vive golpeada", "salvapan", "la colonia salvapan"),
    ],
)  # fmt: skip
def test_span_edges_follow_the_convention(
    nlp: Language, text: str, predicted: str, expected: str
) -> None:
    assert _refined(nlp, text, predicted) == expected


@pytest.mark.parametrize(
    ("text", "predicted"),
    [
        ("di lite da mi kaana gaan out tree week now", "mi kaana"),
        ("the bush behind our houses is where thieves hide", "behind our houses"),
        ("the owner brings girls from honduras to work", "honduras"),
        ("traen muchachas de guatemala", "guatemala"),
        # "his house", "su casa": personal places too
        ("a man was shot in front of his house", "in front of his house"),
    ],
)
def test_personal_places_and_places_of_origin_are_no_span(
    nlp: Language, text: str, predicted: str
) -> None:
    assert _refined(nlp, text, predicted) is None


def test_a_personal_place_gives_way_to_the_named_place_it_is_in(nlp: Language) -> None:
    text = "he beat her in front of his house in belize city"
    assert _refined(nlp, text, "in front of his house in belize city") == "belize city"
    text = "dehn shot wahn bwai backa mi yaad eena hattieville"
    assert _refined(nlp, text, "backa mi yaad eena hattieville") == "hattieville"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Kriol often drops the preposition before a village's name
        ("wan man chap wan nex man wid machete armenia las week", "armenia"),
        ("why is unitedville so dark at night", "unitedville"),
        # a landmark that is the sentence's subject, without a preposition, is no place
        ("the bar sells beer to kids", None),
        # where someone is heading or coming from
        ("a guy snatched my purse and ran toward las flores", "las flores"),
        # "se cayo" is a verb (it fell), not the Cayo District
        ("se cayo el poste y hay niños jugando", None),
    ],
)
def test_the_gazetteer_fallback(nlp: Language, text: str, expected: str | None) -> None:
    doc = _doc(nlp, text)
    bounds = spans.from_gazetteer(doc)
    assert (None if bounds is None else doc[bounds[0] : bounds[1]].text) == expected


@pytest.mark.parametrize(
    ("text", "predicted", "expected"),
    [
        # a landmark the message is about gives way to the phrase that places it
        ("the bar in cotton tree sells to minors", "the bar", "cotton tree"),
        ("the bridge at teakettle was damaged in the flood", "the bridge at teakettle",
         "teakettle"),
        ("di Chiney shop kaana a di skool sell rum to di pikni dehn",
         "di Chiney shop kaana a di skool", "kaana a di skool"),
        ("the rum shop across from the health centre in armenia never closes",
         "the health centre in armenia", "across from the health centre in armenia"),
        ("la estacion de policia de unitedville siempre esta cerrada", "unitedville",
         "unitedville"),
        # also with Spanish adjectives after the noun, and as a later sentence's subject
        ("la clinica vieja frente a la terminal se esta cayendo",
         "la clinica vieja frente a la terminal", "frente a la terminal"),
        ("come and see. the bridge at teakettle has no light", "the bridge at teakettle",
         "teakettle"),
        # the thing someone is asked to mend or check is what is reported, not the scene
        ("pls send someone to cut the football field in teakettle",
         "the football field in teakettle", "teakettle"),
        ("porfa vengan a limpiar el parque de teakettle", "el parque de teakettle", "teakettle"),
        ("i want to report the club across from the market", "the club across from the market",
         "across from the market"),
        # where something happens, the landmark and its place are one pointer
        ("robbers in the pharmacy on bliss parade", "the pharmacy", "the pharmacy on bliss parade"),
        ("robbers in the pharmacy on bliss parade", "the pharmacy on bliss parade",
         "the pharmacy on bliss parade"),
        ("en la cantina a dos cuadras del parque de benque hay menores", "la cantina",
         "la cantina a dos cuadras del parque de benque"),
        ("no me siento segura en la parada frente al hospital", "la parada",
         "la parada frente al hospital"),
        ("school girls dancing in the bar at the fiesta grounds at 2 in the morning",
         "the bar", "the bar at the fiesta grounds"),
        ("ah noh feel sayf da di bus stop pan di highway by camalote nite time", "di bus stop",
         "di bus stop pan di highway by camalote"),
        ("they robbing the gas station in front of the hospital now", "in front of the hospital",
         "the gas station in front of the hospital"),
        ("someone is drowning in the river at roaring creek now", "roaring creek",
         "the river at roaring creek"),
        ("the road behind the hospital is full of holes", "behind the hospital",
         "behind the hospital"),
        # Kriol leaves out the preposition before a village
        ("evry weekend di bar san martin gat big noise", "di bar san martin", "san martin"),
        # a time is no place: "after 8", "despues de las ocho"; nor is a direction
        ("no hay guardia en la terminal despues de las ocho", "la terminal despues de las ocho",
         "la terminal"),
        ("a boy went under in the river by the san ignacio bridge", "the san ignacio bridge",
         "the river by the san ignacio bridge"),
        ("men putting kids in a truck at the benque border", "the benque", "the benque border"),
        # an abbreviated saint's name goes on past its full stop
        ("Hello, the lot behind St. Martin's school is overgrown.", "behind St",
         "behind St. Martin's school"),
        ("a man was robbed outside Sta. Elena market", "Sta", "Sta. Elena market"),
        # a Spanish landmark keeps its adjective or its "de" ("el centro de salud")
        ("frente a la iglesia adventista hay un perro bravo", "frente a la iglesia",
         "frente a la iglesia adventista"),
        ("hay un hueco grande detras del centro de salud sin cerca", "detras del centro",
         "detras del centro de salud"),
        # mile markers and distances in miles
        ("huge pothole at mile 52 on the george price highway", "the george price highway",
         "mile 52 on the george price highway"),
        ("a dos millas de roaring creek hay un camion parado", "roaring creek",
         "a dos millas de roaring creek"),
        # a street the lexicon does not know, in a corner pair; a boulevard
        ("di lite pole kaana a forest drive and bliss parade noh wuk", "bliss parade",
         "kaana a forest drive and bliss parade"),
        ("cut the grass on mountain view boulevard pls", "mountain view",
         "mountain view boulevard"),
        # an indefinite article starts the next phrase
        ("en camalote una tienda vende cerveza a menores", "camalote una tienda", "camalote"),
        ("venden droga a media cuadra del parque", "cuadra del parque",
         "a media cuadra del parque"),
        ("de noche no se ve nada en la calle del cementerio", "la calle del cementerio",
         "cementerio"),
        # a Spanish road is named by what follows it
        ("caballos sueltos en la carretera del colibri", "la carretera",
         "la carretera del colibri"),
        ("se volco un camion en la carretera costera", "la carretera", "la carretera costera"),
    ],
)  # fmt: skip
def test_a_reported_landmark_and_an_incident_at_one(
    nlp: Language, text: str, predicted: str, expected: str
) -> None:
    assert _refined(nlp, text, predicted) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # after a preposition an unnamed landmark is the scene
        ("men whistle at me every day at the barber shop", "the barber shop"),
        ("the girls at that club never go out", "that club"),
        ("drunk men from the rum shop sleep on the sidewalk", "the rum shop"),
        ("los perros del basurero estan salvajes", "basurero"),
        ("venden droga a media cuadra del parque", "a media cuadra del parque"),
        # a landmark that is the hazard itself is a place, also as the subject
        ("the underpass is dark and scary", "the underpass"),
        ("good morning the old bank building is boarded up", "the old bank building"),
        ("la panaderia cerrada ahora es un punto de droga", "la panaderia cerrada"),
        ("el puente no tiene luz de noche", "el puente"),
        ("the football field is all bush now", "the football field"),
        ("di bus terminal dark an ful a drunk", "di bus terminal"),
        # a relation word points at the school building, not the institution
        ("a student got beat up behind the high school", "behind the high school"),
        # an establishment reported for what it does is no place without its place
        ("the bar serves minors no questions asked", None),
        ("la cantina no tiene licencia", None),
        # a landmark as a modifier, school as an institution, words that locate nothing
        ("the bar owner lets kids drink", None),
        ("my son gets beaten at the school every week", None),
        ("caminan solos a la escuela", None),
        ("estan disparando en la calle", None),
        ("someone keeps setting fires in the empty lot", None),
        ("the workers cant leave the farm", None),
    ],
)
def test_the_landmark_fallback(nlp: Language, text: str, expected: str | None) -> None:
    doc = _doc(nlp, text)
    bounds = landmark_fallback.from_landmark(doc)
    assert (None if bounds is None else doc[bounds[0] : bounds[1]].text) == expected


@pytest.mark.parametrize(
    ("text", "predicted"),
    [
        ("a dead cow has been lying on the road for two days", "the road"),
        ("venden droga en la calle todas las noches", "la calle"),
        ("this guy has been walking behind me since the bus stop", "behind me"),
        ("abandoned buildings everywhere in this area", "this area"),
        ("wan kyar di drive up an dung di street", "di street"),
        # a corner, curve, entrance or construction nobody named
        ("el foco de la esquina se quemo", "la esquina"),
        ("los borrachos de la esquina le gritan a mi hija", "la esquina"),
        ("cows on the curve every night", "the curve"),
        ("hay vacas en la curva", "la curva"),
        ("no hay señal de ceda el paso en la entrada", "la entrada"),
        ("dehn shoot out di lite an now di kaana daak", "di kaana daak"),
        ("los hombres de la construccion le gritan a las muchachas", "la construccion"),
        # a nameless junction, a door, the houses, the village's entrance
        ("the stop sign at the junction fell down months ago", "the junction"),
        ("my husband has a knife and he is outside the door now", "the door"),
        ("scorpions coming into the houses from the lot", "the houses"),
        ("le dispararon a un hombre anoche en la entrada del pueblo", "la entrada del pueblo"),
        # a bar or club as the subject, no place named: the reported thing, not a place
        ("la discoteca nunca cierra a tiempo", "la discoteca"),
        ("good evening the club plays music till 4 every night", "the club"),
        # a number alone is a time or a count
        ("they sell beer from the window of a house at 3 in the morning", "3"),
    ],
)
def test_generic_words_alone_are_no_place(nlp: Language, text: str, predicted: str) -> None:
    assert _refined(nlp, text, predicted) is None


def test_a_named_corner_is_a_place(nlp: Language) -> None:
    text = "hay hombres parados en la esquina de la tienda china"
    assert _refined(nlp, text, "la esquina de la tienda china") == "la esquina de la tienda china"


@pytest.mark.parametrize(
    ("text", "predicted", "expected"),
    [
        # a country's name that only describes a shop is no origin
        ("me robaron la bici afuera de la tienda china", "la tienda china", "la tienda china"),
        ("el foco del poste de la esquina de la tienda china se quemo",
         "la esquina de la tienda china", "la esquina de la tienda china"),
        # the road to the school building, not the way to school
        ("necesitamos luz en el camino a la escuela", "la escuela", "la escuela"),
        # a pronoun before a relation is the person, not an article
        ("wan drunk man show mi backa di bos stap", "backa di bos stap", "backa di bos stap"),
        # a landmark word with no article before "to" is people, not a landmark
        ("pls send more police to hattieville", "hattieville", "hattieville"),
        # Kriol "tu" attaches like "to"; a direction of travel and the rest are no place
        ("bad accident pan di road tu spanish lookout", "tu spanish lookout", "spanish lookout"),
        ("its heading down the hummingbird highway toward dangriga",
         "the hummingbird highway toward dangriga", "the hummingbird highway"),
        # a curve or junction nobody named gives way to what places it, not to what names it
        ("trucks overtaking on the blind curve past the baptist high school",
         "the blind curve past the baptist high school", "past the baptist high school"),
        ("cows keep standing on the sharp curve near the school", "the sharp curve near the school",
         "the school"),
        ("choque de moto y carro en la curva del cementerio", "la curva del cementerio",
         "la curva del cementerio"),
        # a distance keeps its "a" ("a una milla de"), a part of a place its "the back of"
        ("choque feo ahorita a una milla de hattieville", "una milla de hattieville",
         "a una milla de hattieville"),
        ("can the ministry clear the bush at the back of ub", "ub", "the back of ub"),
        # a mile marker keeps its number
        ("girls working at the bar at mile 49 every night", "the bar at mile",
         "the bar at mile 49"),
    ],
)  # fmt: skip
def test_words_that_only_look_like_a_place_phrase(
    nlp: Language, text: str, predicted: str, expected: str
) -> None:
    assert _refined(nlp, text, predicted) == expected


@pytest.mark.parametrize(
    ("text", "predicted", "expected"),
    [
        # "between X and Y" is one place, whichever half the tagger found
        ("they rob people entre la iglesia y el mercado at night", "la iglesia",
         "entre la iglesia y el mercado"),
        ("they rob people entre la iglesia y el mercado at night", "el mercado",
         "entre la iglesia y el mercado"),
        ("gang fights between the market and the terminal", "between the market",
         "between the market and the terminal"),
        # "esquina del parque y hay ...": the rest of the sentence is no second half
        ("se cae la casa de la esquina del parque y hay gente", "la esquina del parque",
         "la esquina del parque"),
        # motion: "across" without "from", "past" after a verb of motion
        ("a truck flipped across the western highway", "across the western highway",
         "the western highway"),
        ("the bar across from the park sells to kids", "the park", "across from the park"),
        ("boys hiss at me when i walk past the gas station", "past the gas station",
         "the gas station"),
        # a curve nobody named: only what places it, as nlu/data/README.md says
        ("the bush at the curve past the cemetery blocks the view",
         "the curve past the cemetery", "past the cemetery"),
        ("the curve past the cemetery has no sign", "the curve past the cemetery",
         "past the cemetery"),
        # a landmark noun after a name finishes it; a count word does not
        ("a man grabbed me in front of the belmopan market", "in front of the belmopan",
         "in front of the belmopan market"),
        ("ah hear gunshat backa di market tree time", "backa di market", "backa di market"),
        # a reported thing placed by a landmark: the landmark is the span
        ("the lamp post by the taxi stand is out", "post by the taxi stand", "the taxi stand"),
        ("cars park on the curve by the clinic", "the curve by the clinic", "the clinic"),
        # "adentro de", "outside of" only attach
        ("los ladrones estan adentro de la farmacia", "adentro de la farmacia", "la farmacia"),
        # over, under, up the road from, the end of: they move the point
        ("kids throw rocks from over the bridge", "the bridge", "over the bridge"),
        ("potholes up the road from the toll bridge", "the toll bridge",
         "up the road from the toll bridge"),
        ("people buy drugs at the end of bliss parade", "bliss parade", "the end of bliss parade"),
        # the side of a road is the road, as the data marks it
        ("horses graze on the side of the western highway", "the side of the western highway",
         "the western highway"),
        # a vehicle is no place; its town is
        ("me tocaron en el bus de corozal", "el bus de corozal", "corozal"),
    ],
)  # fmt: skip
def test_relations_pairs_and_movers(
    nlp: Language, text: str, predicted: str, expected: str
) -> None:
    assert _refined(nlp, text, predicted) == expected


@pytest.mark.parametrize(
    ("text", "predicted"),
    [
        ("i saw a taxi hit a boy on a bike", "a taxi"),
        ("the driver is still inside the car", "the driver"),
        ("stolen phones sold out of the back of a van", "the back"),
    ],
)
def test_vehicles_people_and_bare_parts_are_no_place(
    nlp: Language, text: str, predicted: str
) -> None:
    assert _refined(nlp, text, predicted) is None


@pytest.mark.parametrize(
    ("text", "predicted", "expected"),
    [
        # a saint's name after "st", with or without its full stop, and its possessive
        ("power line down two blocks from st michael's sparking", "two blocks from st",
         "two blocks from st michael's"),
        ("the abandoned house behind st martin's is full of addicts", "behind st martin",
         "behind st martin's"),
        ("kids cross with no crossing guard by st joseph school", "st", "st joseph school"),
        # an indefinite landmark is no place; the place after it is
        ("a boy washing glasses at a bar in santa elena", "a bar in santa elena", "santa elena"),
        ("se cayo una pared en una construccion en maya mopan", "una construccion en maya mopan",
         "maya mopan"),
        ("wan shop eena duck run sell rum to pikni", "wan shop eena duck run", "duck run"),
        # a word the tagger took in before "in" and the place
        ("no police patrol ever in salvapan after dark", "ever in salvapan", "salvapan"),
        # under and over move the point, also before a landmark placed by another
        ("men drink all day under the tree by the market", "the tree by the market",
         "under the tree by the market"),
        # "a dos cuadras de": the "a" is part of the distance
        ("esta oscuro a dos cuadras de la iglesia", "dos cuadras de la iglesia",
         "a dos cuadras de la iglesia"),
        # Kriol "tree" (three) after a landmark counts what follows; a tree stays a tree
        ("ah hear gunshat backa di market tree time las nite", "backa di market tree",
         "backa di market"),
        ("the bulb by the big mango tree blow out", "the big mango tree", "the big mango tree"),
        # a particle, "into", "with", a body's back, a vehicle: none is part of the place
        ("weed dealers set up at the basketball court", "up at the basketball court",
         "the basketball court"),
        ("a pickup went off the bridge at roaring creek into the river",
         "the bridge at roaring creek into the river", "the bridge at roaring creek"),
        ("los ladrones estan adentro de la tienda china de corozal con el dueño",
         "la tienda china de corozal con", "la tienda china de corozal"),
        ("they shot a guy in the back near the bridge", "the back near the bridge", "the bridge"),
        ("a dog foaming at the mouth near the clinic", "the mouth near the clinic", "the clinic"),
        # the verb's particle before a relation word; "under" before "in" moves nothing
        ("two girls locked up above the bar", "up above the bar", "above the bar"),
        # a relation that places people, not a place; the place after them is the span
        ("he hits her in front of the children", "in front of the children", None),
        ("un hombre se desnuda enfrente de las mujeres en el parque",
         "enfrente de las mujeres en el parque", "el parque"),
        ("the truck went under in the creek by the ferry", "under in the creek by the ferry",
         "the creek by the ferry"),
        ("im on the bus to san ignacio and a man keep touching me", "the bus to san ignacio",
         "san ignacio"),
        ("el terreno junto al mercado esta lleno de monte", "junto al mercado", "mercado"),
        ("no lights on the road into las flores", "the road into las flores", "las flores"),
        ("en una finca de san antonio no les pagan", "una finca de san antonio", "san antonio"),
        # houses count a distance from a place, not houses of a place
        ("a man beat his wife two houses from the church", "the church",
         "two houses from the church"),
        ("robaron en tres casas de salvapan", "tres casas de salvapan", "salvapan"),
        # an article and an adjective are a landmark's start, not the whole
        ("wan man expose ihself kaana a di primary skool", "kaana a di primary",
         "kaana a di primary skool"),
        ("los borrachos de la tienda de licor duermen afuera", "la tienda", "la tienda de licor"),
        # a saint's "st" and a distance with its direction come along
        ("the empty lot next to st michaels school is full of bush", "michaels school",
         "st michaels school"),
        ("a guy exposes himself two houses down from the health centre", "the health centre",
         "two houses down from the health centre"),
        # where something happens, a landmark and what places it are one pointer: also
        # "across from" and a mile marker
        ("i feel unsafe waiting at the bus stop across from bcs at night", "across from bcs",
         "the bus stop across from bcs"),
        ("girls working at the bar at mile 49 every night", "the bar", "the bar at mile 49"),
        # a landmark placed by a street the gazetteer does not know is one pointer
        ("tief deh eena di chiney shop pan burns avenue rite now", "di chiney shop",
         "di chiney shop pan burns avenue"),
    ],
)  # fmt: skip
def test_saints_indefinites_over_under_and_unknown_streets(
    nlp: Language, text: str, predicted: str, expected: str | None
) -> None:
    assert _refined(nlp, text, predicted) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the whole stretch of forest drive is dark after 7", "forest drive"),
        ("half built house on mahogany street nobody finish it", "mahogany street"),
        ("dem bwai race pan cedar crescent evry nite", "cedar crescent"),
        # an article makes it generic; a verb "drive" is no street
        ("the main road is so dark", None),
        ("they go too fast when they drive", None),
        ("the road is full of holes", None),
        # a Spanish road by its name; "la calle principal" stays generic
        ("se volco un camion en la carretera costera", "la carretera costera"),
        ("caballos sueltos en la carretera del colibri", "la carretera del colibri"),
        ("hay un bache enorme en la calle principal", None),
        ("la carretera esta llena de baches", None),
    ],
)
def test_the_road_name_fallback(nlp: Language, text: str, expected: str | None) -> None:
    doc = _doc(nlp, text)
    bounds = spans.from_road_name(doc)
    assert (None if bounds is None else doc[bounds[0] : bounds[1]].text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # words that point at the school building, not the institution
        ("smadi fi chap di high grass roun di skool", "di skool"),
        ("the bush near the school is full of snakes", "the school"),
        ("hay perros bravos cerca de la escuela", "la escuela"),
        # the institution
        ("the kids walk home from school in the dark", None),
    ],
)
def test_the_school_building_and_the_institution(
    nlp: Language, text: str, expected: str | None
) -> None:
    doc = _doc(nlp, text)
    bounds = landmark_fallback.from_landmark(doc)
    assert (None if bounds is None else doc[bounds[0] : bounds[1]].text) == expected


@pytest.mark.parametrize(
    ("text", "predicted"),
    [
        # words that name no landmark a stranger could find (the convention's examples)
        ("a woman is selling babies from the village", "the village"),
        ("the boss at the farm took their passports", "the farm"),
        ("tree roots blocking the drain and the path", "the drain"),
        ("nadie chapea el terreno de al lado", "el terreno"),
        # "la colonia", "el parqueo" alone (nlu/data/README.md), a border nobody named
        ("perros sarnosos por todos lados en la colonia", "la colonia"),
        ("le dispararon a un muchacho en la colonia", "la colonia"),
        ("hay unos tipos abriendo los carros en el parqueo", "el parqueo"),
        ("they bring girls across the border at night", "the border"),
        # school as the institution one goes to or comes from
        ("ya no es seguro que los niños caminen solos a la escuela", "la escuela"),
        ("hay un niño que trabaja en la finca y no va a la escuela", "la escuela"),
        ("los perros mordieron a dos niños camino a la escuela", "la escuela"),
        ("mi hija no ha regresado de la escuela y ya es de noche", "la escuela"),
        ("le dicen cosas feas cuando vuelven de la escuela", "la escuela"),
        ("el ganado anda suelto y los niños van a pie a la escuela", "la escuela"),
        # the pupils of a school: a modifier, no place
        ("el bar le vende cerveza a los chamacos de la escuela", "la escuela"),
        # a part of the body: "foaming at the mouth"
        ("a dog with rabies foaming at the mouth on our street", "the mouth"),
        ("le pegaron en la cara", "la cara"),
        # a verb after a Spanish clitic is no country
        ("no entiendo como se usa", "usa"),
    ],
)
def test_generic_nouns_the_school_attended_and_verbs_are_no_place(
    nlp: Language, text: str, predicted: str
) -> None:
    assert _refined(nlp, text, predicted) is None


@pytest.mark.parametrize(
    ("text", "predicted", "expected"),
    [
        ("dogs living in la escuela bite kids", "la escuela", "la escuela"),
        ("se metieron a robar a la escuela anoche", "la escuela", "la escuela"),
        ("a man follows my daughter from the school every afternoon", "the school", "the school"),
        ("the bush outside the school is full of snakes", "the school", "the school"),
    ],
)
def test_the_school_building_stays_a_place(
    nlp: Language, text: str, predicted: str, expected: str
) -> None:
    assert _refined(nlp, text, predicted) == expected


@pytest.mark.parametrize(
    ("text", "candidates", "expected"),
    [
        # where someone comes from gives way to where it happened
        ("mi cousin fram san ignacio get beat up bad eena roaring creek",
         ["san ignacio", "roaring creek"], "roaring creek"),
        # the unnamed landmark the message is about gives way to its place
        ("di ole skool bildin armenia di fall dung", ["di ole skool bildin", "armenia"],
         "armenia"),
        # an unnamed landmark before a named place; a landmark word describing people
        ("los carros corren mucho en la carretera por georgeville",
         ["la carretera", "georgeville"], "georgeville"),
        ("a man exposing himself to the school kids across from the primary school",
         ["the school", "across from the primary school"], "across from the primary school"),
        # a span inside a later one the rules extended over it: the whole
        ("a boy got shot at the corner of east collet canal and vernon street",
         ["the corner of east", "the corner of east collet canal and vernon street"],
         "the corner of east collet canal and vernon street"),
        # otherwise the first: a named place, or a scene before another
        ("robbers at the shell station in santa elena ran to cayo",
         ["the shell station in santa elena", "cayo"], "the shell station in santa elena"),
        ("shots fired at the bar last night then the cops went to the park",
         ["the bar", "the park"], "the bar"),
    ],
)  # fmt: skip
def test_among_several_places_the_one_that_answers_where(
    nlp: Language, text: str, candidates: list[str], expected: str
) -> None:
    doc = _doc(nlp, text)
    bounds = []
    for candidate in candidates:
        span = doc.char_span(text.index(candidate), text.index(candidate) + len(candidate))
        assert span is not None
        bounds.append((span.start, span.end))
    chosen = spans.choose(doc, bounds)
    assert chosen is not None
    assert doc[chosen[0] : chosen[1]].text == expected


def test_one_candidate_or_none() -> None:
    doc = spacy.blank("xx")("behind the market")
    assert spans.choose(doc, [(0, 3)]) == (0, 3)
    assert spans.choose(doc, []) is None


@pytest.mark.parametrize(
    ("text", "predicted", "expected"),
    [
        # a road nobody named leads to its place, with an adjective after it in Spanish
        ("hay un hueco grande en la calle principal de benque", "la calle principal de benque",
         "benque"),
        ("los buses corren mucho en la carretera de belmopan a teakettle",
         "belmopan a teakettle", "belmopan a teakettle"),
        ("crash pan di hywe bai teakettle, smadi hurt", "teakettle", "teakettle"),
        # the manner of a motion between its verb and "past"
        ("trucks speed like crazy past the market every morning", "past the market",
         "the market"),
        ("dehn ron laik mad pas di klinik", "pas di klinik", "di klinik"),
        # an hour before the place is no place
        ("shots fired around 11pm in cotton tree", "11pm in cotton tree", "cotton tree"),
        # Kriol "tu" is "too" before what it describes
        ("di grass tu hai backa di klinik", "tu hai backa di klinik", "backa di klinik"),
        # a landmark word with no article is a kind of place
        ("kids selling candy in bar at night", "bar", None),
        ("pikni sel kandi eena bar", "bar", None),
    ],
)  # fmt: skip
def test_unnamed_roads_hours_manner_and_bare_landmarks(
    nlp: Language, text: str, predicted: str, expected: str | None
) -> None:
    assert _refined(nlp, text, predicted) == expected


@pytest.mark.parametrize(
    ("text", "predicted", "expected"),
    [
        # a farm or a colonia is no landmark: the place it is in or near is
        ("the boss at di farm eena valley of peace keep di passport dehn",
         "di farm eena valley of peace", "valley of peace"),
        ("el dueño de la finca en san antonio no paga", "la finca en san antonio", "san antonio"),
        ("no hay luz en la colonia de san martin", "la colonia de san martin", "san martin"),
        # but a patio is part of what it is "of"
        ("los perros duermen en el patio de la escuela",
         "el patio de la escuela", "el patio de la escuela"),
        # an empty lot is no landmark; the corner that places it is
        ("el monte en el lote de la esquina de ring road esta alto",
         "el lote de la esquina de ring road", "la esquina de ring road"),
        # nothing but an unnamed spot and an unnamed road
        ("hay caballos en la curva de la carretera", "la curva de la carretera", None),
        # a foreign country alone is where someone comes from or goes to, not the hazard
        ("dicen que la van a llevar a honduras mañana", "honduras", None),
        # the United States too ("gone to the states")
        ("empty house next door, owner gone to the states years ago", "the states", None),
        ("di owna deh da di states an nobody cut di bush", "di states", None),
        # the distance the tagger left out before its relation word
        ("horses loose on the highway a mile past teakettle",
         "past teakettle", "a mile past teakettle"),
        # an indefinite noun alone
        ("ya es un basurero", "un basurero", None),
        # a verb and its particle, and a person the relation places
        ("a car went off the bridge at teakettle",
         "went off the bridge at teakettle", "the bridge at teakettle"),
        ("he hit her in front of everybody at the market",
         "in front of everybody at the market", "the market"),
    ],
)  # fmt: skip
def test_no_landmarks_foreign_countries_distances_and_people(
    nlp: Language, text: str, predicted: str, expected: str | None
) -> None:
    assert _refined(nlp, text, predicted) == expected


@pytest.mark.parametrize(
    ("text", "predicted", "expected"),
    [
        # the words that finish a name or a landmark stay
        ("no hay luz frente a la iglesia catolica", "frente a la iglesia catolica",
         "frente a la iglesia catolica"),
        ("di ole bank bildin lak op", "di ole bank bildin", "di ole bank bildin"),
        ("the light at the bus shelter is out", "the bus shelter", "the bus shelter"),
        # a saint's name without its possessive: the name stays whole
        ("branches covering the light in front of st martins so it is useless",
         "in front of st martins", "in front of st martins"),
        # an unnamed junction (a gazetteer alias too) gives way to what places it
        ("the stop sign at the junction by the clinic is down", "the junction by the clinic",
         "the clinic"),
        ("the stop sign at the junction by the clinic is down", "the clinic", "the clinic"),
        # an adjective before a farm: still no landmark
        ("the boss at the orange farm near teakettle keeps their passports",
         "the orange farm near teakettle", "teakettle"),
    ],
)  # fmt: skip
def test_the_words_that_finish_a_name_and_a_farm_with_its_kind(
    nlp: Language, text: str, predicted: str, expected: str | None
) -> None:
    assert _refined(nlp, text, predicted) == expected
