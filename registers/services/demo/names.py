"""Names and places for the demo: name pools by background, streets, schools, postcodes.

All of it is data plus small pure helpers; every draw goes through the caller's
`random.Random`, so the order of calls is part of what a seed produces.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

LA_CODE, LA_NAME = 919, "Hertfordshire"

# Space-separated name pools per background: (weight, EAL rate, boys, girls, surnames).
# Weights and EAL rates roughly follow the national primary population (EAL about 20%).
BACKGROUNDS: dict[str, tuple[float, float, str, str, str]] = {
    "british": (
        0.64,
        0.01,
        "Oliver George Harry Jack Noah Leo Arthur Oscar Charlie Freddie Alfie Theo Thomas "
        "Henry Jacob Archie Joshua William Samuel Max Isaac Finley Reuben Harrison Toby Dylan",
        "Olivia Amelia Isla Ava Freya Lily Florence Grace Ivy Evie Poppy Sophia Ella Rosie "
        "Isabella Daisy Millie Ruby Emily Phoebe Matilda Elsie Evelyn Willow Maisie Lucy Erin",
        "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans "
        "Walker White Roberts Green Hall Wood Jackson Clarke Hughes Edwards Turner Cooper Hill "
        "Ward Morris Moore Harris Baker Lewis Martin Allen Mitchell Parker Bennett Carter Shaw "
        "Watson Murphy Kelly Price Lloyd Fletcher Doyle O'Brien Sullivan MacDonald Campbell",
    ),
    "south_asian": (
        0.12,
        0.55,
        "Muhammad Ibrahim Yusuf Zayn Ayaan Arjun Aarav Rohan Hamza Ali Omar Krish Dev Rayyan",
        "Aisha Maryam Zara Fatima Amira Anaya Priya Inaya Hafsa Simran Riya Noor Jasleen Eshal",
        "Khan Ahmed Hussain Patel Begum Ali Shah Singh Kaur Iqbal Rahman Sharma Mistry "
        "Chowdhury Akhtar Malik Kumar Gill Sandhu Mahmood",
    ),
    "eastern_european": (
        0.07,
        0.85,
        "Jakub Filip Antoni Szymon Mateusz Aleksander Luca Andrei David Matei",
        "Zuzanna Julia Maja Hanna Lena Amelia Natalia Ioana Maria Alexandra",
        "Nowak Kowalski Wiśniewski Wójcik Kamiński Lewandowski Popescu Ionescu Popa Dumitru "
        "Novak Horváth Petrov Kazlauskas",
    ),
    "african": (
        0.07,
        0.45,
        "Tobi David Emmanuel Daniel Kwame Chidi Samuel Femi Kofi Joshua Tariq Abdi",
        "Amara Adaeze Chioma Grace Abena Blessing Esther Favour Zainab Ifeoma Hodan Nia",
        "Okafor Adeyemi Mensah Osei Okonkwo Adebayo Boateng Asante Eze Nwosu Mohamed Abdi "
        "Hassan Owusu",
    ),
    "caribbean": (
        0.03,
        0.03,
        "Jaden Marcus Tyrone Isaiah Kai Malachi Elijah Andre",
        "Aaliyah Kiara Shanice Imani Jada Tiana Nia Maya",
        "Campbell Williams Brown Clarke Richards Thomas Francis Grant Edwards Henry",
    ),
    "middle_eastern": (
        0.03,
        0.7,
        "Adam Yusuf Ahmed Omar Karim Emir Yasin Mustafa Khalid",
        "Layla Sara Mariam Yasmin Hana Elif Zeynep Lina Nour",
        "Al-Sayed Haddad Mansour Yılmaz Kaya Demir Saleh Abbas Nasser Karimi Rahimi",
    ),
    "east_asian": (
        0.02,
        0.55,
        "Ethan Lucas Jayden Wei Hao Kenji Minh",
        "Chloe Emily Mei Xin Yuna Linh Sakura",
        "Chen Wang Li Zhang Liu Nguyen Tran Wong Kim Tanaka",
    ),
    "southern_european": (
        0.02,
        0.5,
        "Luca Mateo Leonardo Tiago Rafael Niall Seán",
        "Sofia Chiara Beatriz Lucia Aoife Niamh Giulia",
        "Rossi Silva Santos Ferreira García Rodríguez Bianchi Costa O'Connor Byrne",
    ),
}
# Parents of white British pupils mostly carry an older generation's names.
BRITISH_ADULTS = (
    "James David Michael Daniel Christopher Mark Paul Andrew Matthew Richard Ben Tom Lee Stuart",
    "Sarah Emma Laura Claire Rebecca Gemma Kate Rachel Hayley Nicola Charlotte Lauren Amy Louise",
)
STREETS = [
    "Church Road",
    "Station Road",
    "Victoria Road",
    "Park Avenue",
    "Mill Lane",
    "High Street",
    "Kings Road",
    "Queens Road",
    "The Crescent",
    "Manor Way",
    "Orchard Close",
    "Beech Grove",
    "Meadow Lane",
    "Elm Drive",
    "Riverside Walk",
    "St John's Road",
    "Windmill Hill",
    "Chapel Street",
    "Oak Tree Close",
    "Highfield Road",
]
_SCHOOLS = (
    ("Oakfield Primary School", "Hatfield", ("AL10", "AL9")),
    ("Brookside Primary School", "Stevenage", ("SG1", "SG2")),
    ("St Mary's Church of England Primary School", "Hitchin", ("SG4", "SG5")),
    ("Meadowbank Primary School", "Watford", ("WD17", "WD18", "WD24")),
    ("Hillcrest Primary Academy", "Hemel Hempstead", ("HP1", "HP2", "HP3")),
    ("Riverside Primary School", "Ware", ("SG12",)),
)
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters Royal Mail uses in inward codes


@dataclass(frozen=True)
class SchoolPlace:
    name: str
    town: str
    outward_codes: tuple[str, ...]


def school_place(index: int) -> SchoolPlace:
    """The name and town of the demo's school number `index` (0 = the first)."""
    if index < len(_SCHOOLS):
        return SchoolPlace(*_SCHOOLS[index])
    return SchoolPlace(f"Demo Primary School {index + 1}", "Hatfield", ("AL10", "AL9"))


def inward_code(rng: random.Random) -> str:
    """The second half of a postcode, e.g. "4QZ"."""
    return f"{rng.randint(1, 9)}{rng.choice(_INWARD_LETTERS)}{rng.choice(_INWARD_LETTERS)}"


def pools(background: str) -> tuple[list[str], list[str], list[str]]:
    """Boys' names, girls' names and surnames of a background."""
    _weight, _eal, boys, girls, surnames = BACKGROUNDS[background]
    return boys.split(), girls.split(), surnames.split()


def ascii_name(text: str) -> str:
    """For e-mail addresses: Wiśniewski → wisniewski, O'Brien → obrien."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum())
