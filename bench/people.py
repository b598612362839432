"""Names and e-mail addresses for the generator: accented, sometimes messy, sometimes wrong."""

from __future__ import annotations

import random
import unicodedata


def _listed(text: str, separator: str) -> tuple[str, ...]:
    return tuple(text.split(separator))


FIRST_NAMES = _listed(
    "Axelle Élodie François Zoë José Søren Łukasz Ana Björn Chloé Mathéo Inès Jürgen Małgorzata "
    "Ngozi Oluwaseun Priyanka Arjun Haruto Yūki Thandiwe Sipho Fatima Youssef Mia Noah Olivia "
    "Liam Giulia Matteo Sofía Mateo João Leonor Maëlle Anaïs Çağla Øystein Renée Dvořáková "
    "Hélène Sébastien Nuño Émilie Chidi Aisha Mohammed Kenji Sakura Lena Finn Emma Lucas",
    " ",
)
LAST_NAMES = _listed(
    "Durand|Müller|Núñez|O'Brien|Dvořák|Søndergaard|Kowalski|Smith|García|Rossi|Peeters|"
    "de Vries|Schmid|Silva|Nowak|Andersson|Johnson|Tremblay|Santos|Hernández|Sharma|Nguyen|"
    "Tanaka|Mokoena|Okafor|Benali|Lefèvre|Gauthier|Ibáñez|Böhm|Łoś|Ferreira|Papadopoulos|"
    "van der Berg|Martin|Bernard|Dubois|Moreau|Laurent|Simon|Michel|Leroy|Roux|Fontaine",
    "|",
)
DOMAINS = (
    "example.com",
    "Example.COM",
    "mail.example.org",
    "exemple.fr",
    "beispiel.de",
    "EXAMPLE.net",
)
INVALID_EMAILS = (
    "{local}@",
    "{local}@@example.com",
    "{local}.example.com",
    "{local} @example.com",
    "@example.com",
    "{local}@example..com",
)


# Letters that do not decompose into a base letter and an accent.
_UNDECOMPOSABLE = str.maketrans({"Ø": "O", "ø": "o", "Ł": "L", "ł": "l", "ß": "ss"})


def ascii_fold(text: str) -> str:
    """'Élodie Núñez' → 'Elodie.Nunez', the way people type addresses."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSABLE))
    return "".join(c for c in decomposed if c.isascii() and (c.isalnum() or c in ".-"))


def person(rng: random.Random) -> tuple[str, str]:
    first = rng.choice(FIRST_NAMES)
    last = rng.choice(LAST_NAMES)
    roll = rng.random()
    if roll < 0.02:
        last = f"{last}, Jr."  # a comma, so the CSV writer must quote the cell
    elif roll < 0.04:
        last = ""
    elif roll < 0.06:
        first = f"  {first} "  # stray spaces from copy-and-paste
    return first, last


def email(rng: random.Random, first: str, last: str, serial: int, clean: bool) -> str:
    """An address for the person; some blank, some padded, some broken (unless `clean`)."""
    local = ascii_fold(f"{first.strip()}.{last.split(',')[0]}").lower().strip(".") or "contact"
    local = f"{local}{serial}"
    domain = rng.choice(DOMAINS)
    roll = rng.random()
    if clean or roll >= 0.16:
        return f"{local}@{domain}"
    if roll < 0.08:
        return ""
    if roll < 0.12:
        return f" {local}@{domain} "
    return rng.choice(INVALID_EMAILS).format(local=local)
