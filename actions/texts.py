"""Every text the bot sends, in English (en), Spanish (es) and Belizean Kriol (bzj).

Texts are written to fit one 160-character GSM-7 SMS segment with their placeholders
filled (tests/actions/test_texts.py checks it): plain ASCII, no emoji.
"""

from __future__ import annotations

from typing import Any

TEXTS: dict[str, dict[str, str]] = {
    "greeting": {
        "en": "Hi, this is SaferCity. Tell us what makes a place unsafe and where, e.g. "
        "'street light out on Ring Road by the market'. HELP for help.",
        "es": "Hola, es SaferCity. Cuentenos que hace inseguro un lugar y donde, ej. "
        "'no hay luz en Ring Road por el mercado'. AYUDA para ayuda.",
        "bzj": "Hi, dis da SaferCity. Tel wi wat mek wahn place noh sayf an weh ih deh, eg "
        "'di lite pan Ring Road by di market out'. HELP fi help.",
    },
    "ask_category": {
        "en": "What is the problem? Reply with a word: light, bush, crime, violence, "
        "harassment, trafficking, bar, abandoned, road, animals, other",
        "es": "Cual es el problema? Responda con una palabra: luz, monte, delito, violencia, "
        "acoso, trata, bar, abandonado, calle, animales, otro",
        "bzj": "Wat di problem? Ansa wid wan wod: lite, bush, kraim, vailens, harassment, "
        "trafikin, baa, abandan, road, animal, ada",
    },
    "ask_place": {
        "en": "Where is it? Name a street, landmark or area (e.g. 'behind the market'), "
        "or send a pin.",
        "es": "Donde es? Diga una calle, un lugar conocido o el barrio (ej. 'atras del "
        "mercado'), o mande su ubicacion.",
        "bzj": "Weh ih deh? Tel wi di street, wahn landmark or di aria (eg 'backa di "
        "market'), or sen wahn pin.",
    },
    "place_not_found": {
        "en": "I could not find '{text}' on the map. Name a landmark near it, or reply OK "
        "to keep it as you wrote it.",
        "es": "No encontre '{text}' en el mapa. Diga un lugar conocido cerca, o responda OK "
        "para dejarlo como lo escribio.",
        "bzj": "A kudn fain '{text}' pan di map. Tel wi wahn landmark nier ih, or ansa OK "
        "fi kip ih how yu rait ih.",
    },
    "place_outside": {
        "en": "'{text}' is outside Belize. We cover Belize only: where in Belize is it?",
        "es": "'{text}' esta fuera de Belice. Solo cubrimos Belice: donde en Belice es?",
        "bzj": "'{text}' deh owtsaid Belize. Wi onli kova Belize: weh eena Belize ih deh?",
    },
    "choose_place": {
        "en": "Which one? {options}. Reply with the number.",
        "es": "Cual? {options}. Responda con el numero.",
        "bzj": "Wich wan? {options}. Ansa wid di nomba.",
    },
    "confirm": {
        "en": "{category} at {place}. Reply YES to send, or tell me what to change.",
        "es": "{category} en {place}. Responda SI para enviar, o digame que cambiar.",
        "bzj": "{category} da {place}. Ansa YES fi sen ih, or tel mi wat fi chaynj.",
    },
    "ask_what_to_change": {
        "en": "What should I change? Tell me the right problem or place.",
        "es": "Que debo cambiar? Digame el problema o el lugar correcto.",
        "bzj": "Wat a fi chaynj? Tel mi di rait problem or di rait place.",
    },
    "saved": {
        "en": "Sent. Your reference is {reference}. Text STATUS {reference} to check on "
        "it. Thank you!",
        "es": "Enviado. Su referencia es {reference}. Escriba ESTADO {reference} para "
        "consultarlo. Gracias!",
        "bzj": "Ih sen. Yu riferens da {reference}. Tex STATUS {reference} fi chek pan ih. "
        "Tenk yu!",
    },
    "ask_age": {
        "en": "Optional and anonymous: your age? 1 under 18, 2 18-29, 3 30-49, 4 50+. Or SKIP.",
        "es": "Opcional y anonimo: su edad? 1 menos de 18, 2 18-29, 3 30-49, 4 50+. O SALTAR.",
        "bzj": "Yu noh haf tu, an nobadi wahn know: how ol yu deh? 1 anda 18, 2 18-29, "
        "3 30-49, 4 50+. Or SKIP.",
    },
    "ask_gender": {
        "en": "And you are? 1 a woman, 2 a man, 3 other. Or SKIP.",
        "es": "Y usted es? 1 mujer, 2 hombre, 3 otro. O SALTAR.",
        "bzj": "An yu da? 1 wahn ooman, 2 wahn man, 3 ada. Or SKIP.",
    },
    "survey_done": {
        "en": "Thank you. Text us again any time something feels unsafe.",
        "es": "Gracias. Escribanos cuando algo se sienta inseguro.",
        "bzj": "Tenk yu. Tex wi egen enitaim sumting noh feel sayf.",
    },
    "emergency": {
        "en": "If you or someone is in danger now, call {emergency} right away.",
        "es": "Si usted o alguien esta en peligro ahora, llame al {emergency} de inmediato.",
        "bzj": "If yu or smadi deh eena dayncha rait now, kaal {emergency} rait weh.",
    },
    "sensitive_helpline": {
        "en": "You are not alone. Our team will treat this in confidence. For help call "
        "{helpline}.",
        "es": "No esta solo. Nuestro equipo lo tratara con confidencialidad. Para ayuda "
        "llame al {helpline}.",
        "bzj": "Yu noh deh yu wan. Wi team wahn kip dis private. Fi help kaal {helpline}.",
    },
    "sensitive": {
        "en": "You are not alone. Our team will treat this in confidence. If you need help "
        "now, call {emergency}.",
        "es": "No esta solo. Nuestro equipo lo tratara con confidencialidad. Si necesita "
        "ayuda ahora, llame al {emergency}.",
        "bzj": "Yu noh deh yu wan. Wi team wahn kip dis private. If yu need help now, kaal "
        "{emergency}.",
    },
    "help": {
        "en": "Tell us what is unsafe and where. Words: STATUS <ref>, CANCEL, STOP, DELETE, "
        "AGENT, ESPANOL, KRIOL. Danger now? Call {emergency}.",
        "es": "Diganos que es inseguro y donde. Palabras: ESTADO <ref>, CANCELAR, PARAR, "
        "BORRAR, AGENTE, ENGLISH, KRIOL. Peligro? Llame al {emergency}.",
        "bzj": "Tel wi wat noh sayf an weh. Wod dem: STATUS <ref>, CANCEL, STOP, DELETE, "
        "AGENT, ENGLISH, ESPANOL. Dayncha? Kaal {emergency}.",
    },
    "cancelled": {
        "en": "OK, I cancelled that report. Text us any time to start again.",
        "es": "Listo, cancele ese reporte. Escribanos cuando quiera para empezar de nuevo.",
        "bzj": "Aarait, a kansl dat ripoat. Tex wi enitaim fi staat egen.",
    },
    "nothing_to_cancel": {
        "en": "There is no report in progress. Tell us what is unsafe and where to start one.",
        "es": "No hay un reporte en curso. Diganos que es inseguro y donde para empezar.",
        "bzj": "No ripoat deh goin. Tel wi wat noh sayf an weh fi staat wan.",
    },
    "stopped": {
        "en": "You will get no more messages from SaferCity. Text START to come back.",
        "es": "No recibira mas mensajes de SaferCity. Escriba START para volver.",
        "bzj": "Yu naa wahn get no mo mesij fram SaferCity. Tex START fi kom bak.",
    },
    "started": {
        "en": "Welcome back to SaferCity. Tell us what is unsafe and where.",
        "es": "Bienvenido de nuevo a SaferCity. Diganos que es inseguro y donde.",
        "bzj": "Welkom bak tu SaferCity. Tel wi wat noh sayf an weh.",
    },
    "status": {
        "en": "Report {reference} ({category}): {status}.",
        "es": "Reporte {reference} ({category}): {status}.",
        "bzj": "Ripoat {reference} ({category}): {status}.",
    },
    "status_not_found": {
        "en": "I cannot find report {reference} from you. Check the reference, e.g. BZ-7K3Q.",
        "es": "No encuentro el reporte {reference} suyo. Revise la referencia, ej. BZ-7K3Q.",
        "bzj": "A kyaan fain ripoat {reference} fram yu. Chek di riferens, eg BZ-7K3Q.",
    },
    "status_which": {
        "en": "Which report? Text STATUS and the reference, e.g. STATUS BZ-7K3Q.",
        "es": "Cual reporte? Escriba ESTADO y la referencia, ej. ESTADO BZ-7K3Q.",
        "bzj": "Wich ripoat? Tex STATUS an di riferens, eg STATUS BZ-7K3Q.",
    },
    "delete_confirm": {
        "en": "This erases your messages and contact details (reports stay, anonymous). "
        "Reply YES to erase, anything else to keep them.",
        "es": "Esto borra sus mensajes y datos de contacto (los reportes quedan, anonimos). "
        "Responda SI para borrar.",
        "bzj": "Dis wahn wipe out yu mesij dem an yu kantak (ripoat stay, nobadi know da "
        "yu). Ansa YES fi wipe dem.",
    },
    "deleted": {
        "en": "Done: we erased what we held about you. Text us any time to report again.",
        "es": "Listo: borramos lo que teniamos sobre usted. Escribanos cuando quiera.",
        "bzj": "Dun: wi wipe out weh wi mi gat bout yu. Tex wi enitaim fi ripoat egen.",
    },
    "delete_kept": {
        "en": "OK, nothing was erased.",
        "es": "Bien, no se borro nada.",
        "bzj": "Aarait, notn noh wipe out.",
    },
    "handoff": {
        "en": "A member of our team will read this conversation and reply here as soon as "
        "they can.",
        "es": "Una persona de nuestro equipo leera esta conversacion y le respondera aqui "
        "lo antes posible.",
        "bzj": "Smadi fram wi team wahn read dis an ansa yu yah soon az dehn kyan.",
    },
    "unreadable": {
        "en": "I could not read that. Please tell me in words what is unsafe and where. "
        "Text HELP for help.",
        "es": "No pude leer eso. Por favor digame con palabras que es inseguro y donde. "
        "AYUDA para ayuda.",
        "bzj": "A kudn read dat. Tel mi eena wod wat noh sayf an weh. Tex HELP fi help.",
    },
    "text_or_pin": {
        "en": "Sorry, I can only read text, photos or a pin. Please type what is unsafe and where.",
        "es": "Perdon, solo puedo leer texto, fotos o una ubicacion. Escriba que es "
        "inseguro y donde.",
        "bzj": "Sari, a kyan onli read tex, pikcha or wahn pin. Tip wat noh sayf an weh.",
    },
    "photo_kept": {
        "en": "Thanks, I kept the photo with your report.",
        "es": "Gracias, guarde la foto con su reporte.",
        "bzj": "Tenks, a kip di pikcha wid yu ripoat.",
    },
    "welcome_back": {
        "en": "Welcome back. Your unfinished report was kept for our team.",
        "es": "Bienvenido de nuevo. Su reporte sin terminar quedo guardado para el equipo.",
        "bzj": "Welkom bak. Wi kip yu ripoat weh noh mi dun fi wi team.",
    },
    "error": {
        "en": "Sorry, something went wrong on our side. Your message is saved; please try "
        "again in a minute.",
        "es": "Perdon, algo fallo de nuestro lado. Su mensaje quedo guardado; intente de "
        "nuevo en un minuto.",
        "bzj": "Sari, sumting go rang pan wi side. Wi kip yu mesij; try egen eena wahn minit.",
    },
    "language_set": {
        "en": "OK, I will reply in English.",
        "es": "Bien, le respondo en espanol.",
        "bzj": "Aarait, a wahn ansa yu eena Kriol.",
    },
}

CATEGORY_LABELS: dict[str, dict[str, str]] = {
    "street_lighting": {
        "en": "Dark street/light out",
        "es": "Calle oscura/sin luz",
        "bzj": "Daak street/lite out",
    },
    "overgrown_vegetation": {"en": "Overgrown bush", "es": "Monte crecido", "bzj": "Bush tu haiy"},
    "criminal_activity": {"en": "Crime", "es": "Delito", "bzj": "Kraim"},
    "violence": {"en": "Violence", "es": "Violencia", "bzj": "Vailens"},
    "harassment": {"en": "Harassment", "es": "Acoso", "bzj": "Harassment"},
    "human_trafficking": {
        "en": "Human trafficking",
        "es": "Trata de personas",
        "bzj": "Hyuman trafikin",
    },
    "liquor_establishment": {"en": "Bar/liquor store", "es": "Bar/cantina", "bzj": "Baa/rum shap"},
    "abandoned_property": {
        "en": "Abandoned property",
        "es": "Propiedad abandonada",
        "bzj": "Abandan prapati",
    },
    "road_safety": {"en": "Road danger", "es": "Peligro en la calle", "bzj": "Road dayncha"},
    "stray_animals": {"en": "Stray animals", "es": "Animales sueltos", "bzj": "Stray animal"},
    "other_unsafe": {"en": "Unsafe place", "es": "Lugar inseguro", "bzj": "Place noh sayf"},
}

STATUS_LABELS: dict[str, dict[str, str]] = {
    "new": {"en": "received", "es": "recibido", "bzj": "wi get ih"},
    "in_review": {"en": "being reviewed", "es": "en revision", "bzj": "wi di luk pan ih"},
    "verified": {"en": "verified", "es": "verificado", "bzj": "wi chek ih"},
    "referred": {
        "en": "passed to the agency in charge",
        "es": "enviado a la agencia a cargo",
        "bzj": "wi sen ih tu di agency",
    },
    "resolved": {"en": "resolved", "es": "resuelto", "bzj": "ih fix"},
    "rejected": {"en": "closed without action", "es": "cerrado sin accion", "bzj": "wi kloz ih"},
    "duplicate": {
        "en": "joined to another report of the same problem",
        "es": "unido a otro reporte del mismo problema",
        "bzj": "wi jain ih tu anada ripoat",
    },
    "incomplete": {"en": "not finished", "es": "sin terminar", "bzj": "noh dun"},
}


def text(key: str, language: str, **values: Any) -> str:
    by_language = TEXTS[key]
    template = by_language.get(language) or by_language["en"]
    return template.format(**values)


def category_label(code: str | None, language: str) -> str:
    if code is None:
        return "?"
    labels = CATEGORY_LABELS[code]
    return labels.get(language) or labels["en"]


def status_label(status: str, language: str) -> str:
    labels = STATUS_LABELS.get(status, {"en": status})
    return labels.get(language) or labels["en"]
