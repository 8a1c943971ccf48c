"""Writes plant-growth.csv: 200 made-up plants, generated here (no outside source; CC0).

growth_cm = 2 + 1.5·sunlight_h + 4·water_l − 1.2·|soil_ph − 6.5| + 0.1·temperature_c + noise N(0, 0.8²),
so a linear model fits it well but not exactly. Run: python3 make_plant_growth.py
"""
import csv
import random

random.seed(2026)
with open("plant-growth.csv", "w", newline="") as f:
    out = csv.writer(f)
    out.writerow(["sunlight_h", "water_l", "soil_ph", "temperature_c", "growth_cm"])
    for _ in range(200):
        sunlight = random.uniform(2, 10)
        water = random.uniform(0.1, 1.0)
        ph = random.uniform(5, 8)
        temperature = random.uniform(15, 30)
        growth = 2 + 1.5 * sunlight + 4 * water - 1.2 * abs(ph - 6.5) + 0.1 * temperature + random.gauss(0, 0.8)
        out.writerow([f"{sunlight:.2f}", f"{water:.3f}", f"{ph:.2f}", f"{temperature:.1f}", f"{growth:.2f}"])
