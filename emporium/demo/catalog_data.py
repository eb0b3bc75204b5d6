"""The demo shops' categories and products: (category, name, description, price)."""

CATEGORIES = ("Kitchen", "Office", "Outdoors")

PRODUCTS = (
    ("Kitchen", "Stoneware mug", "A 350 ml mug that keeps coffee warm.", "12.50"),
    ("Kitchen", "Chef's knife", "A 20 cm knife of forged steel.", "89.00"),
    ("Kitchen", "Cutting board", "End-grain walnut, 40 by 30 cm.", "64.00"),
    ("Kitchen", "Cast-iron pan", "A 26 cm pan, seasoned and ready.", "45.90"),
    ("Kitchen", "Tea kettle", "1.7 litres, whistles when it boils.", "39.99"),
    ("Kitchen", "Spice rack", "Twelve jars on a beech rack.", "29.00"),
    ("Kitchen", "Linen apron", "Washed linen with two pockets.", "24.00"),
    ("Office", "Notebook A5", "Dotted pages, lay-flat binding.", "14.00"),
    ("Office", "Fountain pen", "Steel nib, refillable converter.", "32.00"),
    ("Office", "Desk lamp", "Warm LED light with a dimmer.", "58.00"),
    ("Office", "Monitor stand", "Bamboo riser with a drawer.", "41.50"),
    ("Office", "Cable tray", "Keeps the cables under the desk.", "19.90"),
    ("Office", "Paper clips", "A tin of 200 clips.", "3.20"),
    ("Office", "Wall planner", "A year at a glance, 70 by 50 cm.", "17.00"),
    ("Outdoors", "Water bottle", "750 ml, double-walled steel.", "27.00"),
    ("Outdoors", "Trail backpack", "28 litres with a rain cover.", "96.00"),
    ("Outdoors", "Camping stove", "Folds into a 10 cm pouch.", "54.00"),
    ("Outdoors", "Headlamp", "300 lumens, rechargeable.", "35.00"),
    ("Outdoors", "Picnic blanket", "Waterproof back, 150 by 200 cm.", "44.00"),
    ("Outdoors", "Folding chair", "Aluminium frame, 1.2 kg.", "49.00"),
    ("Outdoors", "Compass", "Liquid-filled, with a mirror.", "22.00"),
    ("Outdoors", "Hammock", "Parachute nylon with straps.", "59.00"),
)
