"""Word lists for procedurally generated towns and people (none of them Oakvale's residents)."""

from __future__ import annotations

FIRST_NAMES = ["Ada", "Alba", "Alder", "Ansel", "Anya", "Arlo", "Astrid", "Aurelio", "Bea", "Bram", "Briar", "Bronwen", "Cai", "Calla", "Cass", "Cedric", "Clem", "Cora", "Dag", "Dara", "Delphine", "Dex", "Edda", "Elio", "Elspeth", "Emrys", "Esme", "Ewan", "Fenna", "Finch", "Flora", "Fox", "Freya", "Gideon", "Greer", "Hale", "Hazel", "Hector", "Hilde", "Ida", "Ines", "Ivo", "Jasper", "Jory", "Juno", "Kasimir", "Kit", "Lark", "Lev", "Linnea", "Lorcan", "Lotte", "Lucan", "Mabel", "Magnus", "Maren", "Marlo", "Milo", "Mira", "Nell", "Nico", "Noor", "Odile", "Olek", "Orla", "Oswin", "Otto", "Pell", "Perrin", "Petra", "Pip", "Quill", "Quinn", "Rafe", "Reva", "Rhosyn", "Rook", "Rufus", "Saoirse", "Sela", "Silas", "Sol", "Tamsin", "Tarek", "Teodor", "Thea", "Tove", "Ulla", "Vanya", "Vesna", "Wren", "Wyn", "Xavi", "Yara", "Yusuf", "Zadie", "Zeno", "Agnes", "Basil", "Dorian", "Effie", "Godfrey", "Hattie", "Ingrid", "Jude", "Keir", "Lucia", "Morwenna", "Nye"]
"""Given names."""

SURNAMES = ["Abernathy", "Ashby", "Barrow", "Birch", "Blackwood", "Bramble", "Calloway", "Carrow", "Cotter", "Dunmore", "Elwood", "Fairweather", "Fenwick", "Gale", "Greaves", "Hartley", "Hollins", "Ingram", "Juniper", "Kettle", "Lachlan", "Larkin", "Marsh", "Mayhew", "Merriweather", "Nettle", "Oakes", "Penrose", "Pike", "Quarry", "Radley", "Reeve", "Rook", "Sallow", "Sexton", "Thatcher", "Thorne", "Underhill", "Vance", "Wainwright", "Wells", "Whitlock", "Winslow", "Yardley", "Ziegler", "Amos", "Brightwater", "Crane", "Dimmock", "Everly", "Farrow", "Goodfellow", "Hale", "Ivey", "Jessop"]
"""Family names."""

OAKVALE_NAMES = frozenset(["Mara", "Tomas", "Iris", "Adaeze", "June", "Harriet", "Felix", "Rosa", "Ben", "Gwen", "Sam", "Leo"])
"""First names of the shipped world's residents: the generator never uses them."""

JOBS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("baker", "bakery", ("kneading the dough", "baking the morning loaves", "serving customers at the counter")),
    ("barista", "cafe", ("pulling espressos", "wiping down tables", "serving the lunch crowd")),
    ("librarian", "library", ("shelving returns", "helping readers find books", "cataloguing new arrivals")),
    ("doctor", "clinic", ("seeing patients", "writing up notes", "checking on a fever case")),
    ("nurse", "clinic", ("changing dressings", "taking temperatures", "restocking the cabinets")),
    ("mayor", "town_hall", ("chairing a council meeting", "signing permits", "listening to complaints")),
    ("clerk", "town_hall", ("filing records", "stamping forms", "answering letters")),
    ("grocer", "market", ("arranging the fruit", "haggling with customers", "unloading crates")),
    ("gardener", "park", ("pruning the roses", "raking the paths", "planting bulbs")),
    ("publican", "pub", ("pulling pints", "changing a barrel", "running the quiz")),
    ("teacher", "school", ("teaching arithmetic", "marking essays", "supervising the playground")),
    ("blacksmith", "forge", ("shoeing a horse", "mending a gate hinge", "stoking the forge")),
    ("miller", "mill", ("grinding flour", "checking the millstones", "bagging flour")),
    ("fisher", "harbour", ("mending nets", "landing the catch", "scrubbing the deck")),
    ("vicar", "chapel", ("writing a sermon", "visiting parishioners", "tending the chapel")),
    ("tailor", "tailor_shop", ("taking measurements", "hemming trousers", "cutting cloth")),
    ("carpenter", "workshop", ("planing boards", "building a cabinet", "fixing a chair")),
    ("postmaster", "post_office", ("sorting letters", "weighing parcels", "selling stamps")),
    ("innkeeper", "inn", ("airing the rooms", "cooking the stew", "greeting travellers")),
    ("apothecary", "apothecary", ("grinding herbs", "mixing tonics", "labelling jars")),
    ("farmer", "farm", ("milking the cows", "mending fences", "bringing in the hay")),
    ("painter", "studio", ("sketching the square", "mixing paints", "varnishing a canvas")),
)
"""Occupation, workplace place id, typical work activities."""

LEISURE_PLACES = ("park", "cafe", "pub", "library", "market", "harbour", "chapel", "inn", "square", "garden")
"""Places people go in their free time (those a town has)."""

MEALS = ("having breakfast", "eating porridge", "having tea and toast", "eating lunch", "having soup and bread",
         "eating a sandwich", "having supper", "cooking dinner", "eating stew", "having a quick bite")
"""Meal activities."""

LEISURE = ("reading a novel", "walking by the pond", "playing chess", "chatting with friends", "sketching",
           "having a pint", "watching the ducks", "browsing the stalls", "doing the crossword", "knitting",
           "listening to the band", "writing letters", "feeding the birds", "playing cards")
"""Leisure activities."""

CHORES = ("doing the laundry", "buying groceries", "tidying the house", "fixing the fence", "paying bills",
          "weeding the garden", "running errands")
"""Chores."""

TRAITS = (
    "warm", "stubborn", "nosy", "shy", "cheerful", "grumpy", "curious", "patient", "impatient", "generous",
    "thrifty", "proud", "humble", "witty", "anxious", "calm", "ambitious", "lazy", "loyal", "gossipy",
    "romantic", "practical", "dreamy", "blunt", "polite", "absent-minded", "meticulous", "brave", "cautious",
    "kind", "sarcastic", "earnest", "playful", "serious", "early riser", "night owl", "sociable", "solitary",
)
"""Personality traits."""

STYLES: dict[str, tuple[str, ...]] = {
    "cheerful": ("bright and bubbly, lots of exclamations", "sunny and chatty, easily delighted",
                 "upbeat, laughs easily, full of enthusiasm"),
    "formal": ("formal and precise, never uses slang", "quiet and exact; full sentences, no slang",
               "courteous and measured, chooses words with care"),
    "gruff": ("gruff and short, few words", "curt, grumbles, says as little as possible",
              "terse and rough around the edges"),
    "warm": ("warm and motherly, calls people 'dear'", "kind and fussing, worries over everyone",
             "gentle and caring, always asks after you"),
    "nervous": ("hesitant, trails off, apologises a lot", "shy and flustered, stumbles over words",
                "anxious, quick to say sorry"),
    "poetic": ("dreamy and poetic, notices small beauties", "wistful, speaks in images",
               "soft and lyrical, notices the light and the birds"),
    "teasing": ("teasing and quick, always joking", "cheeky, ribs everyone, loves banter",
                "playful and sly, never serious for long"),
    "blunt": ("blunt and plain, says what she thinks", "direct and no-nonsense",
              "plain-spoken, says it straight"),
}
"""Speech styles by voice, as persona files describe them."""

QUIRKS = (
    "hums while thinking", "says 'right then' a lot", "uses old sayings", "talks about the weather first",
    "asks how you are feeling", "sprinkles in words from home", "never finishes a story", "laughs at own jokes",
    "speaks softly", "very precise about times", "calls everyone by their full name", "loves a pun",
    "quotes books", "complains cheerfully", "lots of exclamation marks", "answers questions with questions",
)
"""Extra habits of speech, to vary persona speech styles."""

TOPICS = (
    "the weather", "the harvest fair", "the new bridge", "the price of flour", "the river flooding",
    "the school play", "a lost cat", "the council election", "the summer dance", "a stranger in town",
    "the roof that leaks", "the football match", "a recipe for plum cake", "the town clock", "the old mill",
    "a letter from the city", "the choir", "the apple harvest", "a broken cart", "the night market",
)
"""Things people talk about."""

HAPPENINGS = ("birthday party", "wedding reception", "book club evening", "quiz night", "harvest supper",
              "farewell party", "music evening", "tea party", "dance", "welcome party")
"""Kinds of happening that news can be about."""

NAME_ONSETS = ("B", "Br", "C", "Cl", "D", "Dr", "F", "Fl", "G", "Gr", "H", "J", "K", "L", "M", "N", "P", "Pr",
               "R", "S", "Sh", "St", "T", "Th", "Tr", "V", "W", "Z", "", "")
NAME_VOWELS = ("a", "e", "i", "o", "u", "ai", "ea", "ie", "ou", "y")
NAME_MIDDLES = ("l", "n", "r", "m", "s", "v", "d", "th", "nd", "rl", "ll", "ss", "b", "t")
NAME_ENDINGS = ("a", "o", "en", "an", "in", "is", "us", "ie", "el", "ette", "ara", "on", "ley", "wyn", "")
"""Syllables for invented given names: far more names than a model could memorise, so it learns to copy."""

SURNAME_HEADS = ("Ash", "Black", "Brook", "Copper", "Elder", "Fern", "Green", "Hazel", "Iron", "Marsh", "Oak", "Red",
                 "Stone", "Thorn", "Willow", "Wood", "Fair", "Gold", "Hill", "Moss", "Birch", "Cold", "Long", "Wild")
SURNAME_TAILS = ("ford", "field", "well", "wood", "by", "ton", "more", "ley", "stone", "gate", "bridge", "brook",
                 "worth", "hurst", "cott", "dale", "son", "er")
"""Pieces of invented family names."""

PLACE_WORDS = ("Copper Kettle", "Old Mill", "Rose", "North", "Riverside", "Golden", "Lantern", "Willow", "Hilltop",
               "Crown", "Anchor", "Juniper", "Green", "Blue Door", "Market Street", "Lark", "Harbour View", "Oak")
"""Words that make a place's name its own ("The Copper Kettle Cafe"), so ids cannot be guessed from jobs."""
