"""Seeded, vectorized generators of synthetic building-equipment data.

Two independent datasets are produced:

* :func:`generate_inventory` - an equipment inventory with free-text
  descriptions and several classification targets (category, OmniClass,
  UniFormat II, MasterFormat, MCAA system category, service life).
* :func:`generate_asset_register` - a messier asset register with a different
  schema (column names with spaces, free-form notes, numeric capacity) and
  targets ``System``, ``Trade Group`` and ``Asset Type``.

All the bulk work is done with numpy array operations (``numpy.strings`` on
``StringDType`` arrays), so a million rows take seconds rather than minutes.
Both generators are deterministic: the same ``seed`` always produces an
identical :class:`pandas.DataFrame`.

The category table behind the inventory is public (:data:`CATEGORIES`) and
:func:`write_reference_files` derives the reference CSV files from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.dtypes import StringDType

from nexusml.store.io import atomic_write_text

__all__ = [
    "ASSET_REGISTER_COLUMNS",
    "ASSET_TYPES",
    "CATEGORIES",
    "CATEGORY_BY_NAME",
    "INVENTORY_COLUMNS",
    "MASTERFORMAT_TITLES",
    "UNIFORMAT_TITLES",
    "AssetType",
    "EquipmentCategory",
    "generate_asset_register",
    "generate_inventory",
    "reference_tables",
    "write_reference_files",
]

_STR = StringDType()

INVENTORY_COLUMNS: tuple[str, ...] = (
    "equipment_tag",
    "manufacturer",
    "model",
    "category_name",
    "omniclass_code",
    "uniformat_code",
    "masterformat_code",
    "mcaa_system_category",
    "service_life",
    "description",
)

ASSET_REGISTER_COLUMNS: tuple[str, ...] = (
    "Asset Label",
    "Make",
    "Notes",
    "Location",
    "Install Year",
    "Capacity",
    "Asset Type",
    "System",
    "Trade Group",
)


# ---------------------------------------------------------------------------
# Category table for the equipment inventory
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EquipmentCategory:
    """One equipment category with its codes and text-generation vocabulary."""

    name: str
    omniclass_code: str
    omniclass_title: str
    uniformat_code: str
    masterformat_code: str
    mcaa_system_category: str
    service_life: int
    weight: float
    family: str
    tag_prefixes: tuple[str, ...]
    names: tuple[str, ...]
    makers: tuple[tuple[str, tuple[str, ...]], ...]
    sizes: tuple[tuple[str, tuple[str, ...]], ...]
    attributes: tuple[str, ...]

    @property
    def manufacturers(self) -> tuple[str, ...]:
        return tuple(maker for maker, _ in self.makers)


def _cat(
    name: str,
    omniclass: str,
    uniformat: str,
    masterformat: str,
    mcaa: str,
    life: int,
    weight: float,
    family: str,
    tags: str,
    names: Sequence[str],
    makers: Sequence[str],
    sizes: Sequence[str],
    attributes: Sequence[str],
) -> EquipmentCategory:
    """Build a category from a compact textual spec.

    ``omniclass`` is ``"code = title"``; ``makers`` entries are
    ``"Maker: PREFIX|PREFIX"``; ``sizes`` entries are ``"unit: v1 v2 ..."``.
    """
    omni_code, omni_title = (part.strip() for part in omniclass.split("="))
    parsed_makers = []
    for spec in makers:
        maker, prefixes = spec.split(":", 1)
        parsed_makers.append((maker.strip(), tuple(p.strip() for p in prefixes.split("|"))))
    parsed_sizes = []
    for spec in sizes:
        unit, values = spec.split(":", 1)
        parsed_sizes.append((unit.strip(), tuple(values.split())))
    return EquipmentCategory(
        name=name,
        omniclass_code=omni_code,
        omniclass_title=omni_title,
        uniformat_code=uniformat,
        masterformat_code=masterformat,
        mcaa_system_category=mcaa,
        service_life=life,
        weight=weight,
        family=family,
        tag_prefixes=tuple(tags.split()),
        names=tuple(names),
        makers=tuple(parsed_makers),
        sizes=tuple(parsed_sizes),
        attributes=tuple(attributes),
    )


_HVAC = "HVAC Equipment"
_HYD = "Hydronic Systems"
_AIR = "Air Distribution"
_PLB = "Plumbing Equipment"
_ELE = "Electrical Equipment"
_FIRE = "Fire Protection Equipment"
_CTRL = "Controls"

CATEGORIES: tuple[EquipmentCategory, ...] = (
    # ----------------------------------------------------------------- HVAC
    _cat(
        "Centrifugal Chiller",
        "23-33 13 13 = Centrifugal Chillers",
        "D3030",
        "23 64 16",
        _HVAC,
        23,
        2.0,
        "chiller",
        "CH CHLR CH",
        [
            "Centrifugal Chiller",
            "Chiller, Centrifugal",
            "CHLR centrifugal",
            "Water-Cooled Centrifugal Chiller",
            "centrif. chiller",
            "WC CHLR centrif",
            "chiller - centrifugal compressor",
        ],
        ["Trane: CVHE|CVHF|CVHH", "Carrier: 19XR|19DV|19XRV", "York: YK|YZ", "Daikin: WSC|WME|WDC", "Smardt: TW|WA"],
        ["tons: 300 400 450 500 600 750 800 1000 1200 1500", "gpm: 720 960 1200 1440 1800 2400"],
        [
            "R-134a",
            "R-1233zd",
            "R-514A",
            "VFD",
            "water cooled",
            "magnetic bearing",
            "2-pass evaporator",
            "4160V",
            "480V/3ph",
            "oil-free",
            "hermetic",
        ],
    ),
    _cat(
        "Air-Cooled Chiller",
        "23-33 13 16 = Air-Cooled Chillers",
        "D3030",
        "23 64 23",
        _HVAC,
        20,
        3.0,
        "chiller",
        "CH ACCH CH",
        [
            "Air-Cooled Chiller",
            "Chiller, air cooled",
            "AC CHLR",
            "air cooled scroll chiller",
            "A/C Chiller",
            "packaged air-cooled chiller",
            "CHLR - air cooled",
        ],
        [
            "Trane: CGAM|RTAC|ACR",
            "Carrier: 30RB|30XA|30RC",
            "York: YLAA|YVAA|YCAL",
            "Daikin: AGZ|AWV|AWS",
            "Aermec: NRB|NRG",
        ],
        ["tons: 40 60 80 100 120 150 200 250 300 350", "gpm: 96 144 192 240 360 480"],
        [
            "scroll compressors",
            "screw compressor",
            "R-410A",
            "R-32",
            "R-134a",
            "low ambient kit",
            "microchannel coil",
            "VFD",
            "480V/3ph",
            "sound attenuation",
        ],
    ),
    _cat(
        "Screw Chiller",
        "23-33 13 19 = Rotary Screw Chillers",
        "D3030",
        "23 64 26",
        _HVAC,
        23,
        1.0,
        "chiller",
        "CH CHLR",
        [
            "Screw Chiller",
            "Rotary Screw Chiller",
            "water cooled screw chiller",
            "CHLR screw",
            "Chiller - Screw",
            "WC screw CHLR",
        ],
        ["Trane: RTHD|RTWD|RTHF", "Carrier: 23XRV|30XW", "Daikin: WGS|PFS|WGZ", "York: YS|YVWA"],
        ["tons: 150 200 250 300 400 500", "gpm: 360 480 600 720 960"],
        ["R-134a", "R-513A", "VFD", "water cooled", "2-pass evaporator", "480V/3ph", "hermetic", "semi-hermetic"],
    ),
    _cat(
        "Cooling Tower",
        "23-33 13 23 = Cooling Towers",
        "D3030",
        "23 65 00",
        _HVAC,
        20,
        2.0,
        "tower",
        "CT CT",
        [
            "Cooling Tower",
            "CT",
            "Induced Draft Cooling Tower",
            "Tower, cooling",
            "open cooling tower",
            "crossflow cooling tower",
            "counterflow tower",
            "CLG TWR",
        ],
        [
            "Baltimore Aircoil: S3E|PT2|VTL|S1500",
            "Evapco: AT|ESWA|UAT|LSTE",
            "Marley: NC|MD|AV",
            "Tower Tech: TTXL|TTXR",
        ],
        ["tons: 150 250 300 500 750 1000 1500", "gpm: 450 900 1200 1500 2400 3000"],
        [
            "VFD fan",
            "basin heater",
            "stainless steel basin",
            "2-cell",
            "single cell",
            "sump sweeper",
            "condenser water",
            "vibration switch",
        ],
    ),
    _cat(
        "Boiler (hot water)",
        "23-33 11 13 = Hot Water Boilers",
        "D3020",
        "23 52 16",
        _HVAC,
        25,
        3.0,
        "boiler",
        "B BLR HWB",
        [
            "Hot Water Boiler",
            "Boiler, HW",
            "HW BLR",
            "condensing boiler",
            "Boiler - Hot Water",
            "gas fired HW boiler",
            "Boiler (hot water)",
            "HHW boiler",
        ],
        [
            "Lochinvar: FBN|KBN|CREST|KNIGHT",
            "Aerco: BMK|Benchmark",
            "Cleaver-Brooks: CFC|ClearFire|CFW",
            "Viessmann: Vitocrossal|CT3",
            "Fulton: EDR|VTG|PHW",
            "Patterson-Kelley: SC|NHX",
        ],
        ["mbh: 500 750 1000 1500 2000 3000 4000 6000", "hp: 30 50 100 150"],
        [
            "natural gas",
            "condensing",
            "dual fuel",
            "10:1 turndown",
            "low NOx",
            "sealed combustion",
            "heating hot water",
            "ASME",
            "stainless HX",
        ],
    ),
    _cat(
        "Steam Boiler",
        "23-33 11 16 = Steam Boilers",
        "D3020",
        "23 52 39",
        _HVAC,
        30,
        1.0,
        "boiler",
        "B BLR SB",
        [
            "Steam Boiler",
            "Boiler, steam",
            "LP steam boiler",
            "fire tube steam boiler",
            "STM BLR",
            "Boiler - Steam (low pressure)",
            "HP steam boiler",
        ],
        [
            "Cleaver-Brooks: CBEX|CB|CBLE",
            "Fulton: FB|ICS|VMP",
            "Burnham: 4FW|3W",
            "Miura: LX|EX",
            "Johnston: PFTA|PFTX",
        ],
        ["hp: 50 100 150 200 300 500", "mbh: 1675 3350 5000 6700"],
        [
            "15 psig",
            "150 psig",
            "fire-tube",
            "water-tube",
            "dual fuel",
            "#2 oil backup",
            "natural gas",
            "low NOx",
            "ASME",
            "condensate return",
        ],
    ),
    _cat(
        "Air Handling Unit",
        "23-33 21 11 = Air Handling Units",
        "D3040",
        "23 73 13",
        _HVAC,
        20,
        5.0,
        "airunit",
        "AHU AHU AH",
        [
            "Air Handling Unit",
            "AHU",
            "Air Handler",
            "Indoor AHU",
            "modular air handler",
            "central station AHU",
            "AHU - VAV",
            "air handling unit, indoor",
        ],
        [
            "Trane: CSAA|UCCA|M-Series",
            "Carrier: 39M|39L|AERO",
            "Daikin: CAH|Vision",
            "York: XTI|Solution|YPAL",
            "Huntair: FanWall|HUN",
            "Temtrol: ILP|TMP",
        ],
        ["cfm: 2000 5000 8000 10000 12000 15000 20000 30000 40000", "hp: 5 7.5 10 15 20 25 30 40"],
        [
            "chilled water coil",
            "hot water coil",
            "DX coil",
            "MERV 13 filters",
            "economizer",
            "VFD supply fan",
            "fan array",
            "return fan",
            "UV lights",
            "double wall",
            "480V/3ph",
        ],
    ),
    _cat(
        "Rooftop Unit",
        "23-33 21 13 = Packaged Rooftop Units",
        "D3050",
        "23 74 13",
        _HVAC,
        15,
        6.0,
        "airunit",
        "RTU RTU AC",
        [
            "Rooftop Unit",
            "RTU",
            "Packaged Rooftop Unit",
            "Roof Top Unit",
            "packaged RTU",
            "Rooftop AC unit",
            "RTU - gas/electric",
            "packaged unit, rooftop",
        ],
        [
            "Trane: YSC|YHC|THC|Voyager",
            "Carrier: 48TC|50TC|48FC|50FC",
            "Lennox: KGA|LGH|KCA",
            "York: ZF|ZJ|XP",
            "Daikin: DPS|RPS",
            "Aaon: RN|RQ|RM",
        ],
        ["tons: 3 5 7.5 10 12.5 15 20 25 30 40 50", "cfm: 1200 2000 3000 4000 6000 8000 12000"],
        [
            "gas heat",
            "economizer",
            "DX cooling",
            "electric heat",
            "R-410A",
            "curb adapter",
            "MERV 8 filters",
            "hot gas reheat",
            "VFD supply fan",
            "208V/3ph",
        ],
    ),
    _cat(
        "Energy Recovery Unit",
        "23-33 21 17 = Energy Recovery Units",
        "D3040",
        "23 72 00",
        _HVAC,
        15,
        2.0,
        "airunit",
        "ERU ERV DOAS",
        [
            "Energy Recovery Unit",
            "ERV",
            "Energy Recovery Ventilator",
            "DOAS",
            "heat recovery unit",
            "ERU",
            "Dedicated Outdoor Air Unit",
        ],
        ["Greenheck: ERV|ERVe|ECV", "RenewAire: HE|EV|LE", "Semco: FV|GT", "Aaon: RN|RQ", "Trane: ERV|Horizon"],
        ["cfm: 500 1000 2000 3000 4000 6000 8000 12000", "hp: 1 2 3 5 7.5"],
        [
            "enthalpy wheel",
            "plate core",
            "MERV 13 filters",
            "economizer",
            "DX coil",
            "gas heat",
            "100% outside air",
            "VFD supply fan",
        ],
    ),
    _cat(
        "Computer Room AC Unit",
        "23-33 21 19 = Computer Room Air Conditioners",
        "D3050",
        "23 81 23",
        _HVAC,
        15,
        1.0,
        "airunit",
        "CRAC CRAH AC",
        [
            "Computer Room AC",
            "CRAC",
            "CRAC Unit",
            "precision cooling unit",
            "computer room air conditioner",
            "CRAH",
            "data room AC unit",
        ],
        [
            "Liebert: DS|PDX|CW|DSE",
            "Stulz: CyberAir|CCD|CCU",
            "Data Aire: DAP|gForce",
            "Schneider Electric: Uniflair|InRow|ACRD",
        ],
        ["tons: 5 8 10 15 20 30", "cfm: 2400 4000 6000 9000 12000"],
        ["downflow", "upflow", "humidifier", "EC fans", "glycol", "DX", "chilled water", "data center", "reheat"],
    ),
    _cat(
        "Ductless Split System",
        "23-33 21 21 = Split System Air Conditioners",
        "D3050",
        "23 81 26",
        _HVAC,
        15,
        4.0,
        "airunit",
        "DSS AC CU HP",
        [
            "Ductless Split System",
            "Mini-Split",
            "Split System AC",
            "DSS",
            "ductless mini split",
            "split system heat pump",
            "wall mount split unit",
            "VRF indoor unit",
        ],
        [
            "Mitsubishi Electric: PKA|MSZ|PUY|PUZ|PLA",
            "Daikin: FTXS|RXS|FXAQ",
            "LG: LSN|ARNU|LSU",
            "Fujitsu: ASU|AOU",
            "Samsung: AR|AC",
            "Carrier: 40MAQ|38MAQ",
        ],
        ["tons: 0.75 1 1.5 2 3 4 5", "btuh: 9000 12000 18000 24000 36000"],
        [
            "heat pump",
            "inverter",
            "wall mounted",
            "ceiling cassette",
            "R-410A",
            "condensate pump",
            "IT room",
            "208V/1ph",
        ],
    ),
    _cat(
        "Fan Coil Unit",
        "23-33 25 11 = Fan Coil Units",
        "D3050",
        "23 82 19",
        _HVAC,
        20,
        5.0,
        "terminal",
        "FCU FC FCU",
        [
            "Fan Coil Unit",
            "FCU",
            "Fan Coil",
            "horizontal fan coil",
            "vertical FCU",
            "ceiling FCU",
            "4-pipe fan coil",
            "fan coil, concealed",
        ],
        [
            "Enviro-Tec: HP|VHP|HFCA",
            "Carrier: 42B|42C|42V",
            "Trane: FCD|FCB|BCHC",
            "International Environmental: HWJ|VWJ",
            "Daikin: FCHC|FCV",
            "Williams: FC|PC",
        ],
        ["cfm: 200 300 400 600 800 1000 1200", "hp: 0.25 0.33 0.5 0.75"],
        [
            "2-pipe",
            "4-pipe",
            "ECM motor",
            "CHW/HW coil",
            "ducted",
            "concealed",
            "exposed cabinet",
            "condensate pump",
            "MERV 8 filters",
        ],
    ),
    _cat(
        "VAV Box",
        "23-33 25 13 = Variable Air Volume Terminal Units",
        "D3040",
        "23 36 00",
        _AIR,
        20,
        10.0,
        "terminal",
        "VAV VAV TU",
        [
            "VAV Box",
            "VAV",
            "Variable Air Volume Terminal",
            "VAV terminal unit",
            "VAV w/ reheat",
            "single duct VAV",
            "terminal unit, VAV",
            "fan powered VAV",
        ],
        [
            "Titus: DESV|DTQS|ESV",
            "Price: SDV|SDR|FDC",
            "Nailor: 3001|D30RW|35S",
            "Trane: VCCF|VCEF|VSCF",
            "Krueger: LMHS|KQFS",
            "Enviro-Tec: SDR|VFR",
        ],
        ["in: 6 8 10 12 14 16", "cfm: 200 400 600 800 1200 1600 2000"],
        [
            "HW reheat",
            "electric reheat",
            "DDC controls",
            "pressure independent",
            "fan powered",
            "no reheat",
            "ECM motor",
            "cooling only",
        ],
    ),
    _cat(
        "Exhaust Fan",
        "23-33 27 13 = Exhaust Fans",
        "D3040",
        "23 34 23",
        _AIR,
        20,
        7.0,
        "fan",
        "EF GEF KEF TEF",
        [
            "Exhaust Fan",
            "EF",
            "Roof Exhaust Fan",
            "Exhaust Fan, Inline",
            "upblast exhaust fan",
            "ceiling exhaust fan",
            "Power Roof Ventilator",
            "toilet exhaust fan",
        ],
        [
            "Greenheck: CUE|SQ|G|CUBE|SP",
            "Loren Cook: ACE|ACRU|SQN-B|GC",
            "PennBarry: Domex|Fumex|Zephyr",
            "Twin City Fan: BCRD|TCBRU",
            "Acme: PDU|PNU",
            "Carnes: VUBK|VEBK",
        ],
        ["cfm: 150 300 500 800 1200 2000 4000 8000", "hp: 0.25 0.5 1 1.5 2 3 5"],
        [
            "direct drive",
            "belt drive",
            "ECM motor",
            "roof curb",
            "backdraft damper",
            "kitchen grease rated",
            "upblast",
            "115V/1ph",
            "VFD",
            "speed controller",
        ],
    ),
    _cat(
        "Unit Heater",
        "23-33 11 23 = Unit Heaters",
        "D3050",
        "23 82 39",
        _HVAC,
        15,
        3.0,
        "heater",
        "UH CUH UH",
        [
            "Unit Heater",
            "UH",
            "Hot water unit heater",
            "Gas-fired unit heater",
            "electric unit heater",
            "cabinet unit heater",
            "horizontal UH",
            "unit htr",
        ],
        [
            "Modine: HD|PDP|HSB|PTC",
            "Reznor: UDAP|UDX|UEZ",
            "Sterling: HS|QVF|GG",
            "Trane: UHSA|UHXB",
            "Berko: HUH|FUH",
            "Markel: F3400|3310",
        ],
        ["mbh: 30 45 60 75 100 150 200 250", "kw: 3 5 7.5 10 15"],
        [
            "propeller fan",
            "natural gas",
            "HW coil",
            "steam coil",
            "480V/3ph",
            "thermostat",
            "ceiling hung",
            "vertical discharge",
        ],
    ),
    _cat(
        "Heat Exchanger",
        "23-33 11 31 = Heat Exchangers",
        "D3040",
        "23 57 00",
        _HYD,
        24,
        2.0,
        "hx",
        "HX HE HX",
        [
            "Heat Exchanger",
            "HX",
            "Plate Heat Exchanger",
            "plate & frame HX",
            "shell and tube heat exchanger",
            "brazed plate HX",
            "Heat Exch.",
            "plate-and-frame",
        ],
        [
            "Alfa Laval: M10|T20|CB|AQ",
            "Bell & Gossett: GPX|SU|BP",
            "Armstrong: APX|STX",
            "Tranter: GX|UFX",
            "SWEP: B10|B25",
        ],
        ["gpm: 50 100 200 400 800 1200", "mbh: 500 1000 2000 4000"],
        ["steam to HW", "water to water", "CHW", "316 SS plates", "double wall", "free cooling", "HHW", "ASME"],
    ),
    _cat(
        "Centrifugal Pump",
        "23-33 41 13 = End Suction Centrifugal Pumps",
        "D3040",
        "23 21 23",
        _HYD,
        20,
        6.0,
        "pump",
        "P CHWP HWP CWP",
        [
            "Centrifugal Pump",
            "End Suction Pump",
            "Base Mounted Pump",
            "Pump, end suction",
            "split case pump",
            "CHW pump",
            "HW pump",
            "CW pump",
            "Pump - base mtd",
            "centrifugal pump, base mounted",
        ],
        [
            "Bell & Gossett: e-1510|1510|VSX|e-HSC",
            "Armstrong: 4030|4300|4600",
            "Taco: FI|KS|TA|CI",
            "Grundfos: NBG|NK|NKE",
            "Aurora: 3800|410|344",
            "Paco: KP|LC|KPV",
        ],
        ["hp: 5 7.5 10 15 20 25 30 40 50 75 100", "gpm: 100 250 400 600 800 1200 1500 2000"],
        [
            "VFD",
            "premium efficiency motor",
            "1750 RPM",
            "3500 RPM",
            "flexible coupling",
            "suction diffuser",
            "TEFC",
            "ODP",
            "chilled water",
            "condenser water",
        ],
    ),
    _cat(
        "Inline Pump",
        "23-33 41 16 = Inline Centrifugal Pumps",
        "D3040",
        "23 21 23",
        _HYD,
        15,
        4.0,
        "pump",
        "P CP HWP RCP",
        [
            "Inline Pump",
            "In-Line Pump",
            "Vertical Inline Pump",
            "circulator",
            "Pump, inline",
            "close coupled inline pump",
            "inline circ pump",
            "HW circ pump",
            "vertical in-line",
        ],
        [
            "Bell & Gossett: e-90|e-80|Series 60|PL",
            "Armstrong: 4380|4360|E.19",
            "Taco: KV|0010|1900",
            "Grundfos: TP|Magna3|UPS|TPE",
            "Wilo: Stratos|IPL",
        ],
        ["hp: 0.5 1 1.5 2 3 5 7.5 10 15", "gpm: 10 20 50 100 200 400"],
        [
            "VFD",
            "ECM motor",
            "1750 RPM",
            "3500 RPM",
            "TEFC",
            "sensorless",
            "chilled water",
            "heating hot water",
            "glycol",
        ],
    ),
    _cat(
        "Smoke Damper",
        "23-33 29 19 = Smoke Dampers",
        "D3040",
        "23 33 13",
        _AIR,
        20,
        4.0,
        "damper",
        "SD FSD FSD",
        [
            "Smoke Damper",
            "Combination Fire/Smoke Damper",
            "FSD",
            "Fire Smoke Damper",
            "SD",
            "combo fire smoke damper",
            "Motorized Smoke Damper",
            "damper, smoke",
        ],
        [
            "Ruskin: SD60|FSD60|FSD36|SD50",
            "Greenheck: SMD|FSD-211|SSFD",
            "Pottorff: FSD-142|FSD-352",
            "Nailor: 1220|0720",
            "Prefco: 5600|5800",
        ],
        ["dim: 12x12 18x12 24x24 24x18 36x24 48x24 30x30"],
        [
            "120V actuator",
            "24V actuator",
            "UL 555S",
            "Class I leakage",
            "fusible link",
            "end switches",
            "1-1/2 hr rated",
            "duct mounted",
        ],
    ),
    _cat(
        "Building Automation Controller",
        "23-33 61 13 = Building Automation Controllers",
        "D3060",
        "23 09 23",
        _CTRL,
        15,
        3.0,
        "controls",
        "BAS DDC NC CP",
        [
            "DDC Controller",
            "BAS Controller",
            "Building Automation Controller",
            "BMS Panel",
            "Controls Panel",
            "network controller",
            "JACE",
            "field controller",
        ],
        [
            "Johnson Controls: FX-PCG|FX-PCV|NAE",
            "Siemens: PXC|Desigo|PXCM",
            "Honeywell: Spyder|WEB-8000|CIPer",
            "Distech Controls: ECY|ECB",
            "Alerton: VLX|VLCP",
            "Trane: SC+|UC600|Tracer",
            "Automated Logic: OptiFlex|G5RE",
        ],
        ["points: 16 32 48 64 128 256"],
        ["BACnet MS/TP", "BACnet/IP", "24VAC", "serving AHU", "LON", "Niagara", "plant controller", "enclosure"],
    ),
    # ------------------------------------------------------------- Plumbing
    _cat(
        "Domestic Water Heater",
        "23-31 25 13 = Domestic Water Heaters",
        "D2020",
        "22 34 00",
        _PLB,
        12,
        4.0,
        "heater",
        "WH DWH EWH GWH",
        [
            "Domestic Water Heater",
            "Water Heater",
            "DWH",
            "Gas Water Heater",
            "Electric Water Heater",
            "storage water heater",
            "tankless water heater",
            "HWH",
        ],
        [
            "A.O. Smith: BTH|DRE|BTR|Cyclone",
            "Rheem: G100|ELD|GHE",
            "Bradford White: EF|LE|DS",
            "PVI: Conquest|Turbopower",
            "Lochinvar: Armor|ATH|SHN",
            "State: SBD|SUF",
        ],
        [
            "gal: 40 50 80 100 119",
            "mbh: 100 199 300 500",
        ],
        [
            "natural gas",
            "electric",
            "condensing",
            "recirc pump",
            "mixing valve",
            "ASME",
            "sealed combustion",
            "domestic hot water",
            "storage tank",
        ],
    ),
    _cat(
        "Backflow Preventer",
        "23-31 21 13 = Backflow Preventers",
        "D2020",
        "22 11 19",
        _PLB,
        20,
        3.0,
        "valve",
        "BFP BP RPZ",
        [
            "Backflow Preventer",
            "RPZ",
            "RP Backflow Preventer",
            "Reduced Pressure Zone Assembly",
            "Double Check Valve Assembly",
            "DCVA",
            "BFP",
            "backflow device",
        ],
        [
            "Watts: 909|LF909|007|957",
            "Wilkins: 375|975XL|350",
            "Febco: 825Y|850|860",
            "Ames: 4000SS|2000SS",
            "Apollo: RPLF4A|DCLF4A",
        ],
        ["in: 0.75 1 1.5 2 3 4 6 8"],
        [
            "lead free",
            "air gap",
            "test cocks",
            "domestic water",
            "fire line",
            "irrigation",
            "OS&Y gate valves",
            "strainer",
        ],
    ),
    _cat(
        "Domestic Water Booster Pump",
        "23-31 21 19 = Domestic Water Booster Pumps",
        "D2020",
        "22 11 23",
        _PLB,
        15,
        1.5,
        "pump",
        "BP DWBP P",
        [
            "Domestic Water Booster Pump",
            "Booster Pump System",
            "Booster Pump",
            "packaged booster system",
            "DW booster",
            "triplex booster pump",
        ],
        [
            "Grundfos: Hydro MPC|Hydro Multi-E|CR",
            "Bell & Gossett: Technologic|e-SV",
            "SyncroFlo: Eclipse|FC",
            "Armstrong: DE|4300",
            "Xylem: AquaBoost|e-SV",
        ],
        ["hp: 3 5 7.5 10 15 20 25", "gpm: 50 100 200 300 500"],
        ["triplex", "duplex", "VFD", "PRV", "hydropneumatic tank", "domestic water", "NSF 61", "multistage"],
    ),
    _cat(
        "Water Softener",
        "23-31 25 23 = Water Softeners",
        "D2020",
        "22 31 00",
        _PLB,
        15,
        1.0,
        "plumbing",
        "WS SOFT",
        [
            "Water Softener",
            "Softener",
            "duplex water softener",
            "WS",
            "Softener system",
            "water conditioning - softener",
        ],
        [
            "Culligan: HE|CSM|Hi-Flo",
            "Kinetico: CP|Mach",
            "Pentair: Fleck 9100|2850",
            "Marlo: MGT|MX",
            "EcoWater: ERR|ESM",
        ],
        ["grain: 30000 60000 90000 120000 210000 300000", "gpm: 20 40 80"],
        ["duplex", "twin alternating", "brine tank", "metered regen", "salt", "hardness 25 gpg", "domestic water"],
    ),
    _cat(
        "Sump Pump",
        "23-31 23 13 = Sump Pumps",
        "D2030",
        "22 14 29",
        _PLB,
        10,
        3.0,
        "pump",
        "SP SMP P",
        [
            "Sump Pump",
            "Submersible Sump Pump",
            "duplex sump pump",
            "Pump, sump",
            "elevator pit sump pump",
            "SP",
            "sump pump system",
        ],
        [
            "Zoeller: M53|N137|4100|6100",
            "Liberty Pumps: FL|LE|287",
            "Weil: 1400|2500",
            "Stancor: SE|SL",
            "Goulds: WE|LSP",
            "Hydromatic: SK|OS",
        ],
        ["hp: 0.33 0.5 0.75 1 1.5 2 3", "gpm: 30 50 80 100 150"],
        [
            "duplex",
            "simplex",
            "float switch",
            "alarm panel",
            "oil minder",
            "cast iron",
            "115V/1ph",
            "submersible",
            "basin",
        ],
    ),
    _cat(
        "Sewage Ejector",
        "23-31 23 16 = Sewage Ejectors",
        "D2030",
        "22 13 29",
        _PLB,
        15,
        1.5,
        "pump",
        "SE EP P",
        [
            "Sewage Ejector",
            "Sewage Ejector Pump",
            "Ejector Pump",
            "duplex sewage ejector",
            "grinder pump",
            "Sewage Pump",
            "SE",
        ],
        [
            "Zoeller: M267|4000|M6290",
            "Liberty Pumps: LSG|ProVore",
            "Hydromatic: SPG|HPG",
            "Goulds: WS|PSG",
            "Weil: 2500|2508",
            "Barnes: SGV|SH",
        ],
        ["hp: 0.5 1 2 3 5 7.5", "gpm: 50 100 150 200"],
        [
            "duplex",
            "simplex",
            "2in solids",
            "basin",
            "alarm panel",
            "grinder",
            "float switch",
            "230V/1ph",
            "submersible",
        ],
    ),
    # ----------------------------------------------------------- Electrical
    _cat(
        "Switchboard",
        "23-35 31 13 = Switchboards",
        "D5010",
        "26 24 13",
        _ELE,
        30,
        2.0,
        "panel",
        "MSB SWBD DSB",
        [
            "Switchboard",
            "Main Switchboard",
            "MSB",
            "SWBD",
            "Distribution Switchboard",
            "Main Distribution Switchboard",
            "Service Entrance Switchboard",
        ],
        [
            "Square D: QED-2|Power-Style QED|QED-6",
            "Eaton: Pow-R-Line C|PRL-C|PRLC",
            "Siemens: SB1|SB3|RCS",
            "GE: Spectra|AKD|ReliaGear",
        ],
        ["amps: 800 1200 1600 2000 2500 3000 4000"],
        [
            "480Y/277V",
            "208Y/120V",
            "3PH 4W",
            "main breaker",
            "service entrance rated",
            "65kAIC",
            "metering",
            "copper bus",
            "NEMA 1",
        ],
    ),
    _cat(
        "Panelboard",
        "23-35 31 16 = Panelboards",
        "D5010",
        "26 24 16",
        _ELE,
        25,
        9.0,
        "panel",
        "LP PP DP PNL HA LA",
        [
            "Panelboard",
            "Panel",
            "Lighting Panel",
            "Power Panel",
            "Distribution Panel",
            "LP",
            "PP",
            "branch circuit panelboard",
            "Panel Board",
        ],
        ["Square D: NQ|NF|I-Line", "Eaton: PRL1a|PRL4|Pow-R-Line", "Siemens: P1|P4|S4", "GE: AQ|AE|A-Series"],
        ["amps: 100 125 225 400 600 800", "ckt: 24 30 42 54 84"],
        [
            "480Y/277V",
            "208Y/120V",
            "MLO",
            "main breaker",
            "surface mount",
            "flush mount",
            "3PH 4W",
            "copper bus",
            "NEMA 1",
            "feed-thru lugs",
        ],
    ),
    _cat(
        "Transformer",
        "23-35 21 13 = Dry-Type Transformers",
        "D5010",
        "26 22 13",
        _ELE,
        30,
        4.0,
        "power",
        "T TX XFMR",
        [
            "Transformer",
            "Dry Type Transformer",
            "XFMR",
            "TX",
            "Step Down Transformer",
            "Transformer, dry-type",
            "K-rated transformer",
        ],
        [
            "Square D: EE|EXN|Watchdog",
            "Eaton: V48M|DT-3|EP",
            "Siemens: 3F3Y|EE",
            "Hammond: HPS|SG|NMK",
            "Acme Electric: T-|TF",
            "Jefferson Electric: 423|411",
        ],
        ["kva: 15 30 45 75 112.5 150 225 300 500"],
        [
            "480-208Y/120V",
            "delta-wye",
            "K-13",
            "NEMA 1",
            "copper windings",
            "aluminum windings",
            "TP-1",
            "3PH",
            "floor mounted",
        ],
    ),
    _cat(
        "Motor Control Center",
        "23-35 33 13 = Motor Control Centers",
        "D5010",
        "26 24 19",
        _ELE,
        25,
        1.5,
        "panel",
        "MCC",
        ["Motor Control Center", "MCC", "Motor Ctrl Center", "MCC lineup", "intelligent MCC", "motor control centre"],
        [
            "Eaton: Freedom 2100|F2100|IT",
            "Square D: Model 6|M6",
            "Allen-Bradley: CENTERLINE 2100|2500",
            "Siemens: tiastar|TIA",
            "ABB: MNS|MNS-iS",
        ],
        ["amps: 400 600 800 1200 1600 2000"],
        [
            "480V",
            "NEMA 1",
            "NEMA 12",
            "combination starters",
            "VFD buckets",
            "main breaker",
            "65kAIC",
            "3PH",
            "copper bus",
        ],
    ),
    _cat(
        "Variable Frequency Drive",
        "23-35 33 16 = Variable Frequency Drives",
        "D3060",
        "26 29 23",
        _ELE,
        15,
        5.0,
        "drive",
        "VFD VFD VSD",
        [
            "Variable Frequency Drive",
            "VFD",
            "Variable Speed Drive",
            "VSD",
            "AC Drive",
            "Adjustable Frequency Drive",
            "AFD",
            "drive, VFD",
        ],
        [
            "ABB: ACH580|ACH550|ACS880",
            "Danfoss: VLT FC102|FC 102|FC-102",
            "Yaskawa: Z1000|P1000|iQpump",
            "Eaton: SVX|H-Max|DG1",
            "Square D: ATV630|Altivar|ATV212",
            "Siemens: G120|SED2",
        ],
        ["hp: 3 5 7.5 10 15 20 25 30 40 50 75 100 150"],
        [
            "480V",
            "NEMA 1",
            "NEMA 12",
            "bypass",
            "BACnet",
            "line reactor",
            "serving AHU",
            "serving pump",
            "for exhaust fan",
            "3PH",
        ],
    ),
    _cat(
        "Generator",
        "23-35 41 13 = Engine Generators",
        "D5090",
        "26 32 13",
        _ELE,
        25,
        2.0,
        "power",
        "GEN EG G",
        [
            "Generator",
            "Emergency Generator",
            "Diesel Generator",
            "Standby Generator",
            "GEN",
            "Genset",
            "natural gas generator",
            "Engine Generator",
        ],
        [
            "Caterpillar: C15|C18|C32|3512",
            "Cummins: DQKAB|C500|QSK|DQDAA",
            "Generac: SD|MD|MG",
            "Kohler: KD|REZX|KG",
            "MTU: DS|16V",
        ],
        ["kw: 60 100 150 250 350 500 750 1000 1500 2000", "kva: 75 125 188 313 438 625"],
        [
            "diesel",
            "natural gas",
            "sound attenuated enclosure",
            "sub-base fuel tank",
            "480V",
            "24hr tank",
            "block heater",
            "weatherproof enclosure",
            "3PH 4W",
        ],
    ),
    _cat(
        "Automatic Transfer Switch",
        "23-35 41 16 = Automatic Transfer Switches",
        "D5090",
        "26 36 23",
        _ELE,
        25,
        3.0,
        "power",
        "ATS",
        [
            "Automatic Transfer Switch",
            "ATS",
            "Transfer Switch",
            "ATS - emergency",
            "bypass isolation ATS",
            "Transfer Sw.",
            "auto transfer switch",
        ],
        [
            "ASCO: 300|7000|4000",
            "Russelectric: RTS|RMTD",
            "Cummins: OTEC|BTPC",
            "Generac: GTS|HTS",
            "Kohler: KCS|KEP",
            "Zenith: ZTS|ZTX",
        ],
        ["amps: 100 150 260 400 600 800 1200 2000"],
        [
            "3-pole",
            "4-pole",
            "open transition",
            "closed transition",
            "bypass isolation",
            "480V",
            "service entrance rated",
            "life safety branch",
            "NEMA 1",
        ],
    ),
    _cat(
        "Uninterruptible Power Supply",
        "23-35 41 19 = Uninterruptible Power Supplies",
        "D5090",
        "26 33 53",
        _ELE,
        15,
        1.5,
        "power",
        "UPS",
        ["Uninterruptible Power Supply", "UPS", "UPS System", "static UPS", "online UPS", "UPS module"],
        [
            "Eaton: 9395|93PM|9PX",
            "Schneider Electric: Galaxy VS|Symmetra|SMX",
            "Vertiv: Liebert EXL|NXL|GXT",
            "Mitsubishi Electric: 9900|1100",
            "Toshiba: G9000|4400",
        ],
        ["kva: 10 20 40 80 100 160 225 500", "kw: 8 16 36 72 90"],
        [
            "double conversion",
            "VRLA batteries",
            "lithium-ion",
            "maintenance bypass",
            "15 min runtime",
            "N+1",
            "480V",
            "3PH",
        ],
    ),
    _cat(
        "Lighting Control Panel",
        "23-35 51 13 = Lighting Control Panels",
        "D5020",
        "26 09 43",
        _CTRL,
        20,
        2.0,
        "controls",
        "LCP LRP",
        [
            "Lighting Control Panel",
            "LCP",
            "Lighting Relay Panel",
            "Lighting Controls Panel",
            "relay panel, lighting",
            "Lighting Contactor Panel",
        ],
        [
            "Acuity Controls: nLight|nECY|LP",
            "Lutron: GRAFIK|Quantum|LP",
            "Wattstopper: LMCP|LMRH",
            "Hubbell Control Solutions: LX|NX",
            "Crestron: GLPP|DIN",
        ],
        ["relay: 8 16 24 32 48"],
        [
            "277V",
            "120V",
            "BACnet",
            "astronomical timeclock",
            "emergency relays",
            "low voltage switching",
            "NEMA 1",
            "surface mount",
        ],
    ),
    # ------------------------------------------------------ Fire protection
    _cat(
        "Fire Pump",
        "23-29 21 13 = Fire Pumps",
        "D4020",
        "21 31 13",
        _FIRE,
        30,
        1.0,
        "pump",
        "FP P",
        [
            "Fire Pump",
            "Electric Fire Pump",
            "Diesel Fire Pump",
            "Horizontal Split Case Fire Pump",
            "Fire Pump, vertical inline",
            "FP",
            "UL listed fire pump",
        ],
        [
            "Aurora: 481|483|FP",
            "Peerless: AEF|8AEF|TUT",
            "Patterson: HSC|VIL",
            "Armstrong: 4600F|4700F",
            "A-C Fire Pump: 8100|9100",
            "Fairbanks Morse: 1824F|1800",
        ],
        ["gpm: 500 750 1000 1500 2000 2500", "hp: 30 50 75 100 125 150 200"],
        [
            "UL/FM",
            "NFPA 20",
            "controller",
            "diesel driver",
            "electric driver",
            "split case",
            "1770 RPM",
            "3500 RPM",
            "VFD",
            "fire protection",
        ],
    ),
    _cat(
        "Jockey Pump",
        "23-29 21 16 = Jockey Pumps",
        "D4020",
        "21 33 00",
        _FIRE,
        20,
        1.0,
        "pump",
        "JP P",
        ["Jockey Pump", "Pressure Maintenance Pump", "JP", "Jockey Pump (fire)", "fire protection jockey pump", "PMP"],
        [
            "Grundfos: CR|CRN",
            "Aurora: PVM|JP",
            "Goulds: e-SV|3SV",
            "Peerless: JP|PVM",
            "Armstrong: 4380|MS",
            "Patterson: VIL|JP",
        ],
        ["hp: 1 2 3 5 7.5 10", "gpm: 5 10 15 20 30"],
        ["multistage", "NFPA 20", "controller", "vertical inline", "3500 RPM", "fire protection", "TEFC"],
    ),
    _cat(
        "Sprinkler Riser / Alarm Valve",
        "23-29 13 13 = Sprinkler Alarm Valves",
        "D4010",
        "21 13 13",
        _FIRE,
        40,
        4.0,
        "valve",
        "FSR SR AV",
        [
            "Sprinkler Riser",
            "Alarm Valve",
            "Wet Alarm Valve",
            "Alarm Check Valve",
            "Sprinkler Riser / Alarm Valve",
            "Fire Riser",
            "Dry Pipe Valve",
            "Preaction Valve",
        ],
        [
            "Viking: J-1|F-1|VK",
            "Tyco: AV-1|DPV-1|AV-1-300",
            "Victaulic: 751|768|Series 751",
            "Reliable: E|DDX|EX",
            "Globe: GL|GLV",
        ],
        ["in: 2 2.5 3 4 6 8"],
        [
            "wet system",
            "dry system",
            "trim kit",
            "OS&Y valve",
            "tamper switch",
            "flow switch",
            "FDC",
            "pressure gauges",
            "fire line",
        ],
    ),
    _cat(
        "Fire Alarm Control Panel",
        "23-29 61 13 = Fire Alarm Control Panels",
        "D5030",
        "28 46 21",
        _FIRE,
        15,
        2.0,
        "controls",
        "FACP FAP",
        [
            "Fire Alarm Control Panel",
            "FACP",
            "Fire Alarm Panel",
            "FA Panel",
            "Addressable Fire Alarm Panel",
            "Fire Alarm Control Unit",
            "FACU",
        ],
        [
            "Notifier: NFS2-3030|NFS-320|NFS2-640",
            "Simplex: 4100ES|4010ES|4007ES",
            "Edwards: EST3|iO1000|EST4",
            "Siemens: FC2025|Cerberus PRO|FC922",
            "Silent Knight: 6820|6808",
            "Fire-Lite: ES-200X|MS-9200",
        ],
        ["points: 250 500 636 1000 3000"],
        [
            "addressable",
            "voice evac",
            "24VDC",
            "batteries",
            "NAC extender",
            "BACnet",
            "remote annunciator",
            "enclosure",
            "120V",
        ],
    ),
)

CATEGORY_BY_NAME: dict[str, EquipmentCategory] = {c.name: c for c in CATEGORIES}

UNIFORMAT_TITLES: dict[str, str] = {
    "D2010": "Plumbing Fixtures",
    "D2020": "Domestic Water Distribution",
    "D2030": "Sanitary Waste",
    "D2040": "Rain Water Drainage",
    "D2090": "Other Plumbing Systems",
    "D3010": "Energy Supply",
    "D3020": "Heat Generating Systems",
    "D3030": "Cooling Generating Systems",
    "D3040": "Distribution Systems",
    "D3050": "Terminal and Package Units",
    "D3060": "Controls and Instrumentation",
    "D3070": "Systems Testing and Balancing",
    "D3090": "Other HVAC Systems and Equipment",
    "D4010": "Sprinklers",
    "D4020": "Standpipes",
    "D4030": "Fire Protection Specialties",
    "D4090": "Other Fire Protection Systems",
    "D5010": "Electrical Service and Distribution",
    "D5020": "Lighting and Branch Wiring",
    "D5030": "Communications and Security",
    "D5090": "Other Electrical Systems",
}

MASTERFORMAT_TITLES: dict[str, str] = {
    "21 13 13": "Wet-Pipe Sprinkler Systems",
    "21 13 16": "Dry-Pipe Sprinkler Systems",
    "21 31 13": "Electric-Drive, Centrifugal Fire Pumps",
    "21 32 13": "Diesel-Drive, Centrifugal Fire Pumps",
    "21 33 00": "Pressure-Maintenance Pumps",
    "22 11 19": "Domestic Water Piping Specialties",
    "22 11 23": "Domestic Water Pumps",
    "22 13 29": "Sanitary Sewerage Pumps",
    "22 14 29": "Sump Pumps",
    "22 31 00": "Domestic Water Softeners",
    "22 34 00": "Fuel-Fired Domestic Water Heaters",
    "22 42 00": "Commercial Plumbing Fixtures",
    "23 05 13": "Common Motor Requirements for HVAC Equipment",
    "23 09 23": "Direct-Digital Control System for HVAC",
    "23 21 23": "Hydronic Pumps",
    "23 33 13": "Dampers",
    "23 34 23": "HVAC Power Ventilators",
    "23 36 00": "Air Terminal Units",
    "23 52 16": "Condensing Boilers",
    "23 52 39": "Fire-Tube Boilers",
    "23 57 00": "Heat Exchangers for HVAC",
    "23 64 16": "Centrifugal Water Chillers",
    "23 64 23": "Scroll Water Chillers",
    "23 64 26": "Rotary-Screw Water Chillers",
    "23 65 00": "Cooling Towers",
    "23 72 00": "Air-to-Air Energy Recovery Equipment",
    "23 73 13": "Modular Indoor Central-Station Air-Handling Units",
    "23 74 13": "Packaged, Outdoor, Central-Station Air-Handling Units",
    "23 81 23": "Computer-Room Air-Conditioners",
    "23 81 26": "Split-System Air-Conditioners",
    "23 82 19": "Fan Coil Units",
    "23 82 39": "Unit Heaters",
    "23 84 13": "Humidifiers",
    "26 09 43": "Network Lighting Controls",
    "26 22 13": "Low-Voltage Distribution Transformers",
    "26 24 13": "Switchboards",
    "26 24 16": "Panelboards",
    "26 24 19": "Motor-Control Centers",
    "26 29 23": "Variable-Frequency Motor Controllers",
    "26 32 13": "Engine Generators",
    "26 33 53": "Static Uninterruptible Power Supply",
    "26 36 23": "Automatic Transfer Switches",
    "26 51 00": "Interior Lighting",
    "28 46 21": "Fire Alarm",
}

_EXTRA_OMNICLASS: dict[str, str] = {
    "23-33 35 13": "Humidifiers",
    "23-31 15 11": "Plumbing Fixtures",
    "23-35 47 00": "Lighting Fixtures",
    "23-29 15 11": "Fire Extinguishers",
}

_EXTRA_SERVICE_LIFE: dict[str, int] = {
    "Humidifier": 10,
    "Expansion Tank": 20,
    "Grease Interceptor": 20,
}

# Spelling variants of each manufacturer; the first entry is the canonical one.
_MAKER_ALIASES: dict[str, tuple[str, ...]] = {
    "Trane": ("Trane", "TRANE", "Trane Technologies", "Trane Co."),
    "Carrier": ("Carrier", "CARRIER", "Carrier Corp"),
    "York": ("York", "YORK", "York (JCI)", "Johnson Controls - York"),
    "Daikin": ("Daikin", "DAIKIN", "Daikin Applied", "McQuay"),
    "Bell & Gossett": ("Bell & Gossett", "B&G", "Bell and Gossett", "Bell & Gossett (Xylem)"),
    "Baltimore Aircoil": ("Baltimore Aircoil", "BAC", "Baltimore Air Coil"),
    "Cleaver-Brooks": ("Cleaver-Brooks", "Cleaver Brooks", "CB"),
    "Square D": ("Square D", "SQUARE D", "Schneider Electric (Square D)", "Sq D"),
    "Eaton": ("Eaton", "EATON", "Eaton Cutler-Hammer", "Cutler Hammer"),
    "GE": ("GE", "General Electric", "ABB (GE)"),
    "Siemens": ("Siemens", "SIEMENS", "Siemens Industry"),
    "Mitsubishi Electric": ("Mitsubishi Electric", "Mitsubishi", "MITSUBISHI"),
    "Johnson Controls": ("Johnson Controls", "JCI", "Johnson Controls Inc"),
    "A.O. Smith": ("A.O. Smith", "AO Smith", "A O Smith"),
    "Loren Cook": ("Loren Cook", "Cook", "LOREN COOK CO"),
    "Greenheck": ("Greenheck", "GREENHECK", "Greenheck Fan"),
    "Allen-Bradley": ("Allen-Bradley", "Allen Bradley", "Rockwell / Allen-Bradley"),
    "Caterpillar": ("Caterpillar", "CAT", "Caterpillar (CAT)"),
    "Automated Logic": ("Automated Logic", "ALC", "Automated Logic Corp"),
    "Liebert": ("Liebert", "Vertiv Liebert", "LIEBERT"),
    "Acuity Controls": ("Acuity Controls", "nLight / Acuity", "Acuity Brands"),
    "Grundfos": ("Grundfos", "GRUNDFOS"),
    "Armstrong": ("Armstrong", "Armstrong Fluid Technology", "ARMSTRONG"),
    "International Environmental": ("International Environmental", "IEC"),
}

_UNIT_VARIANTS: dict[str, tuple[str, ...]] = {
    "tons": (" ton", " tons", "-ton", "T", " TONS", " TR", "ton", " Ton"),
    "mbh": (" MBH", "MBH", " mbh", " MBtu/h", " MBH input", "-MBH"),
    "hp": (" HP", "HP", " hp", "-HP", " H.P.", "hp"),
    "gpm": (" GPM", "GPM", " gpm", " gal/min", "-GPM"),
    "cfm": (" CFM", "CFM", " cfm", " SCFM", "-CFM"),
    "kva": (" kVA", "KVA", " KVA", "-kVA", "kva"),
    "amps": (" A", "A", " amp", " AMP", "-amp", " Amps", "AF"),
    "kw": (" kW", "KW", " kw", "-kW", " KW"),
    "gal": (" gal", " gallon", "-gal", "G", " GAL"),
    "in": ('"', " in", "-inch", " inch", "in", "IN"),
    "btuh": (" BTUH", " Btu/h", "BTU", " BTU/HR"),
    "grain": (" grain", " grains", "gr", " GR"),
    "points": (" points", " pts", " I/O", " pt", " pt capacity"),
    "relay": (" relay", " relays", "-relay", " ckt", "R"),
    "ckt": (" ckt", " circuit", " CKT", "-circuit", "sp"),
    "dim": ('"', " in", "", " inch", ' "'),
}

_CONTEXT_PHRASES: tuple[str, ...] = (
    "Level 2",
    "Mech Room",
    "Roof",
    "Penthouse",
    "Basement",
    "serving East wing",
    "Bldg A",
    "new",
    "existing",
    "replaced 2015",
    "N. side",
    "Zone 4",
    "Level 1 mech rm",
    "mezzanine",
    "per M-601",
    "see schedule",
    "tenant fit-out",
    "Phase 2",
    "B1",
    "Elec Room 105",
    "Roof - North",
    "Plant room",
    "Area C",
    "retrofit 2019",
    "serving AHU-2",
    "for CH-1",
    "assoc. w/ P-3",
    "fed from MSB",
    "on generator power",
    "boiler room",
    "next to FCU-12",
    "chiller plant",
    "pump room",
    "fire pump room",
    "serving RTU-4",
    "elec rm",
    "IT closet",
    "kitchen",
    "garage level",
)

_FAMILY_GENERIC: dict[str, tuple[str, ...]] = {
    "pump": (
        "pump, see drawings",
        "pump per schedule",
        "PUMP",
        "pump - existing",
        "pump & motor",
        "pump assembly",
        "Pump",
    ),
    "chiller": ("chiller per schedule", "CHLR", "chiller, see drawings", "chiller - existing"),
    "tower": ("tower per schedule", "heat rejection equipment", "CT - see drawings"),
    "boiler": ("boiler per schedule", "BLR", "boiler, see drawings", "heating plant equipment"),
    "airunit": (
        "unit per schedule",
        "unit, see drawings",
        "HVAC unit",
        "AC unit",
        "mechanical unit",
        "unit - existing",
        "packaged unit",
    ),
    "terminal": ("terminal unit", "unit per schedule", "zone unit, see drawings", "box"),
    "fan": ("fan per schedule", "fan, see drawings", "FAN", "fan - existing"),
    "heater": ("heater per schedule", "heater, see drawings", "heater", "HTR"),
    "hx": ("HX per schedule", "exchanger, see drawings"),
    "damper": ("damper per schedule", "damper", "DMPR - see plans"),
    "valve": ("valve assembly", "valve, see drawings", "assembly per schedule"),
    "plumbing": ("plumbing equipment", "see plumbing schedule", "water treatment equipment"),
    "panel": ("panel, see drawings", "electrical panel", "panel per schedule", "elec. distribution equipment", "PNL"),
    "power": ("electrical equipment", "power equipment, see E-drawings", "emergency power equipment"),
    "drive": ("drive", "motor controller", "starter / drive per schedule"),
    "controls": ("control panel", "controls, see drawings", "panel", "control enclosure"),
}

# Loose names shared by every category of a family (an export that only says
# "Pump" or "AC unit" is ambiguous between sibling categories).
_FAMILY_NAMES: dict[str, tuple[str, ...]] = {
    "pump": ("Pump", "PUMP", "circ pump", "pump w/ motor", "pump unit", "Pump, water"),
    "chiller": ("Chiller", "CHLR", "chiller unit", "water chiller", "CH"),
    "tower": ("Tower", "heat rejection unit"),
    "boiler": ("Boiler", "BLR", "boiler unit", "gas boiler"),
    "airunit": ("AC unit", "HVAC unit", "air unit", "packaged unit", "unit", "A/C"),
    "terminal": ("terminal unit", "TU", "zone terminal", "terminal"),
    "fan": ("Fan", "fan unit", "FAN"),
    "heater": ("Heater", "HTR", "gas heater", "heater unit"),
    "hx": ("exchanger", "HX unit"),
    "damper": ("damper", "DMPR"),
    "valve": ("valve assembly", "valve", "VLV assy"),
    "plumbing": ("treatment unit", "water treatment"),
    "panel": ("Panel", "PNL", "distribution equipment", "elec panel", "DIST"),
    "power": ("power equipment", "emergency power", "EM power unit", "elec. equipment"),
    "drive": ("drive", "motor drive", "controller", "drive unit"),
    "controls": ("control panel", "Panel", "controller", "CP", "ctrl panel"),
}

_GLOBAL_GENERIC: tuple[str, ...] = (
    "equipment per schedule",
    "see drawings",
    "existing equipment",
    "misc. equipment",
    "refer to schedule",
    "TBD",
    "equipment - see spec",
    "as per plans",
    "unit per schedule",
    "see equipment schedule",
    "spare",
    "equipment",
)


# ---------------------------------------------------------------------------
# Vectorized helpers
# ---------------------------------------------------------------------------


class _Pool:
    """Ragged groups of strings, sampled per row with array operations."""

    def __init__(self, groups: Sequence[Sequence], dtype=_STR):
        counts = np.array([len(g) for g in groups], dtype=np.int64)
        self.counts = counts
        self.offsets = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)
        flat = [s for g in groups for s in g]
        self.values = np.array(flat, dtype=dtype)

    def index(self, rng: np.random.Generator, group: np.ndarray, skew: float = 1.0) -> np.ndarray:
        u = rng.random(group.shape[0])
        if skew != 1.0:
            u = u**skew
        counts = self.counts[group]
        local = np.minimum((u * counts).astype(np.int64), np.maximum(counts - 1, 0))
        return self.offsets[group] + local

    def pick(self, rng: np.random.Generator, group: np.ndarray, skew: float = 1.0) -> np.ndarray:
        return self.values[self.index(rng, group, skew)]


def _choice(rng: np.random.Generator, options: Sequence[str], n: int, p: Sequence[float] | None = None) -> np.ndarray:
    arr = np.array(list(options), dtype=_STR)
    if p is not None:
        probs = np.asarray(p, dtype=float)
        return arr[rng.choice(len(arr), size=n, p=probs / probs.sum())]
    return arr[rng.integers(0, len(arr), size=n)]


def _where(mask: np.ndarray, a, b) -> np.ndarray:
    """``np.where`` for string arrays, done with masked copies (much faster)."""
    out = b.copy() if isinstance(b, np.ndarray) else np.full(mask.shape[0], b, dtype=_STR)
    out[mask] = a[mask] if isinstance(a, np.ndarray) else a
    return out


def _sparse(mask: np.ndarray, make) -> np.ndarray:
    """Empty strings except where ``mask``; ``make(rows)`` builds those values."""
    out = np.full(mask.shape[0], "", dtype=_STR)
    rows = np.flatnonzero(mask)
    if rows.size:
        out[rows] = make(rows)
    return out


def _join_nonempty(columns: Sequence[np.ndarray], sep: np.ndarray | str) -> np.ndarray:
    """Join string columns row-wise with ``sep``, skipping empty pieces."""
    out = columns[0].copy()
    for col in columns[1:]:
        has = col != ""
        filled = out != ""
        both = np.flatnonzero(has & filled)
        only = np.flatnonzero(has & ~filled)
        if both.size:
            row_sep = sep[both] if isinstance(sep, np.ndarray) else sep
            out[both] = np.strings.add(np.strings.add(out[both], row_sep), col[both])
        if only.size:
            out[only] = col[only]
    return out


def _int_str(values: np.ndarray) -> np.ndarray:
    return values.astype(np.int64).astype(_STR)


def _apply_typos(rng: np.random.Generator, text: np.ndarray, rate: float, second_rate: float = 0.25) -> np.ndarray:
    """Swap two adjacent characters or drop one character in ``rate`` of rows."""
    text = text.copy()
    for fraction in (rate, rate * second_rate):
        rows = np.flatnonzero(rng.random(text.shape[0]) < fraction)
        if rows.size == 0:
            continue
        sub = text[rows]
        lengths = np.strings.str_len(sub)
        ok = lengths >= 4
        pos = (rng.random(rows.size) * np.maximum(lengths - 2, 1)).astype(np.int64) + 1
        pos = np.minimum(pos, np.maximum(lengths - 2, 0))
        swap = rng.random(rows.size) < 0.5
        head = np.strings.slice(sub, 0, pos)
        a = np.strings.slice(sub, pos, pos + 1)
        b = np.strings.slice(sub, pos + 1, pos + 2)
        tail = np.strings.slice(sub, pos + 2, None)
        swapped = np.strings.add(np.strings.add(np.strings.add(head, b), a), tail)
        dropped = np.strings.add(head, np.strings.slice(sub, pos + 1, None))
        typo = _where(swap, swapped, dropped)
        text[rows] = _where(ok, typo, sub)
    return text


def _apply_case(
    rng: np.random.Generator, text: np.ndarray, upper: float, lower: float, title: float = 0.0
) -> np.ndarray:
    u = rng.random(text.shape[0])
    out = text.copy()
    up = u < upper
    lo = (u >= upper) & (u < upper + lower)
    ti = (u >= upper + lower) & (u < upper + lower + title)
    if up.any():
        out[up] = np.strings.upper(text[up])
    if lo.any():
        out[lo] = np.strings.lower(text[lo])
    if ti.any():
        out[ti] = np.strings.title(text[ti])
    return out


def _truncate(rng: np.random.Generator, text: np.ndarray, rate: float) -> np.ndarray:
    """Cut ``rate`` of the rows to a leading fragment (40-75% of the text)."""
    rows = np.flatnonzero(rng.random(text.shape[0]) < rate)
    out = text.copy()
    if rows.size:
        sub = text[rows]
        lengths = np.strings.str_len(sub)
        keep = np.maximum((lengths * rng.uniform(0.4, 0.75, rows.size)).astype(np.int64), 3)
        out[rows] = np.strings.rstrip(np.strings.slice(sub, 0, keep), " ,;-/(")
    return out


def _to_series(values: np.ndarray, missing: np.ndarray | None = None) -> pd.Series:
    arr = values.astype(object)
    if missing is not None:
        arr[missing] = None
    return pd.Series(arr, dtype="str")


def _lookup_series(labels: Sequence[str], index: np.ndarray) -> pd.Series:
    """String column holding ``labels[index]`` (built by a cheap array take)."""
    return pd.Series(pd.array(list(labels), dtype="str").take(index))


def _tag(rng: np.random.Generator, prefix: np.ndarray) -> np.ndarray:
    n = prefix.shape[0]
    number = _int_str(rng.integers(1, 40, size=n))
    style = rng.random(n)
    padded = np.strings.zfill(number, 2)
    number = _where(style < 0.5, padded, number)
    floor = _int_str(rng.integers(1, 9, size=n))
    number = _where(style > 0.9, np.strings.add(np.strings.add(floor, "-"), padded), number)
    suffix = _choice(rng, ["", "A", "B", "C", "D"], n, p=[0.85, 0.05, 0.05, 0.03, 0.02])
    sep = _choice(rng, ["-", "", " "], n, p=[0.88, 0.08, 0.04])
    return np.strings.add(np.strings.add(np.strings.add(prefix, sep), number), suffix)


_LETTERS = np.array(list("ABCDEFGHJKLMNPRSTUVWXYZ"), dtype=_STR)


def _random_code(rng: np.random.Generator, n: int) -> np.ndarray:
    """Catalogue-style codes with no link to any category, e.g. ``"KT-4417"``."""
    first = _LETTERS[rng.integers(0, len(_LETTERS), size=n)]
    second = _LETTERS[rng.integers(0, len(_LETTERS), size=n)]
    two = rng.random(n) < 0.6
    letters = _where(two, np.strings.add(first, second), first)
    sep = _choice(rng, ["-", "", " "], n, p=[0.5, 0.35, 0.15])
    return np.strings.add(np.strings.add(letters, sep), _int_str(rng.integers(10, 99999, size=n)))


def _model_numbers(rng: np.random.Generator, prefix: np.ndarray, arbitrary: float | np.ndarray = 0.0) -> np.ndarray:
    n = prefix.shape[0]
    arbitrary_rows = np.flatnonzero(rng.random(n) < arbitrary)
    prefix = prefix.copy()
    prefix[arbitrary_rows] = _random_code(rng, arbitrary_rows.size)
    digits = rng.integers(2, 5, size=n)
    number = _int_str(rng.integers(10 ** (digits - 1), 10**digits))
    sep = _choice(rng, ["", "-", " ", ""], n)
    suffix = _choice(rng, ["", "", "", "A", "B", "C", "-A", "X", "E", "-460", "-3", "LF", "S"], n)
    return np.strings.add(np.strings.add(np.strings.add(prefix, sep), number), suffix)


# ---------------------------------------------------------------------------
# Equipment inventory
# ---------------------------------------------------------------------------


class _InventoryTables:
    """Flattened lookup tables derived from :data:`CATEGORIES` (built once)."""

    def __init__(self, categories: Sequence[EquipmentCategory]):
        self.categories = tuple(categories)
        weights = np.array([c.weight for c in categories], dtype=float)
        self.probs = weights / weights.sum()
        self.names = _Pool([c.names for c in categories])
        self.tags = _Pool([c.tag_prefixes for c in categories])
        self.attributes = _Pool([c.attributes for c in categories])

        maker_names = sorted({m for c in categories for m in c.manufacturers})
        maker_id = {m: i for i, m in enumerate(maker_names)}
        self.maker_aliases = _Pool([_MAKER_ALIASES.get(m, (m, m.upper())) for m in maker_names])
        pair_groups: list[list[int]] = []
        prefix_groups: list[tuple[str, ...]] = []
        pair_maker: list[int] = []
        for c in categories:
            ids = []
            for maker, prefixes in c.makers:
                ids.append(len(prefix_groups))
                prefix_groups.append(prefixes)
                pair_maker.append(maker_id[maker])
            pair_groups.append(ids)
        self.pair_counts = np.array([len(g) for g in pair_groups], dtype=np.int64)
        self.pair_offsets = np.concatenate(([0], np.cumsum(self.pair_counts)[:-1])).astype(np.int64)
        self.pair_maker = np.array(pair_maker, dtype=np.int64)
        self.prefixes = _Pool(prefix_groups)

        unit_keys = sorted(_UNIT_VARIANTS)
        unit_id = {u: i for i, u in enumerate(unit_keys)}
        self.units = _Pool([_UNIT_VARIANTS[u] for u in unit_keys])
        self.size_values = []
        self.size_units = []
        self.has_size = []
        for slot in range(2):
            groups = []
            units = []
            present = []
            for c in categories:
                if slot < len(c.sizes):
                    unit, values = c.sizes[slot]
                    groups.append(values)
                    units.append(unit_id[unit])
                    present.append(True)
                else:
                    groups.append(("",))
                    units.append(0)
                    present.append(False)
            self.size_values.append(_Pool(groups))
            self.size_units.append(np.array(units, dtype=np.int64))
            self.has_size.append(np.array(present))

        families = sorted(_FAMILY_GENERIC)
        family_id = {f: i for i, f in enumerate(families)}
        self.family_of = np.array([family_id[c.family] for c in categories], dtype=np.int64)
        self.family_generic = _Pool([_FAMILY_GENERIC[f] for f in families])
        self.family_names = _Pool([_FAMILY_NAMES[f] for f in families])
        self.family_members = _Pool(
            [[i for i, c in enumerate(categories) if c.family == f] for f in families],
            dtype=np.int64,
        )

        self.category_names = [c.name for c in categories]
        self.omniclass = [c.omniclass_code for c in categories]
        self.uniformat = [c.uniformat_code for c in categories]
        self.masterformat = [c.masterformat_code for c in categories]
        self.mcaa = [c.mcaa_system_category for c in categories]
        self.service_life = np.array([c.service_life for c in categories], dtype=float)


_INVENTORY_TABLES: _InventoryTables | None = None


def _inventory_tables() -> _InventoryTables:
    global _INVENTORY_TABLES
    if _INVENTORY_TABLES is None:
        _INVENTORY_TABLES = _InventoryTables(CATEGORIES)
    return _INVENTORY_TABLES


# Orderings of the description slots:
# 0 tag, 1 name, 2 size1, 3 size2, 4 attr1, 5 attr2, 6 context, 7 maker
_ORDERS = np.array(
    [
        [1, 2, 3, 4, 5, 7, 6, 0],
        [2, 1, 4, 3, 5, 6, 7, 0],
        [0, 1, 2, 4, 3, 5, 7, 6],
        [7, 1, 2, 3, 4, 5, 6, 0],
        [1, 4, 2, 5, 3, 6, 0, 7],
        [6, 0, 1, 2, 3, 4, 5, 7],
        [4, 1, 2, 3, 5, 7, 0, 6],
    ],
    dtype=np.int64,
)
_ORDER_P = [0.26, 0.16, 0.14, 0.10, 0.14, 0.10, 0.10]
_SEPARATORS = [", ", " ", " - ", "; ", " / ", ",", "  "]
_SEPARATOR_P = [0.38, 0.27, 0.13, 0.07, 0.05, 0.06, 0.04]


def generate_inventory(n_rows: int, seed: int = 42) -> pd.DataFrame:
    """Generate a synthetic building-equipment inventory.

    Parameters
    ----------
    n_rows:
        Number of rows to generate (``>= 0``).
    seed:
        Seed for :func:`numpy.random.default_rng`; equal seeds give identical
        frames.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`INVENTORY_COLUMNS`. ``service_life`` is a float column
        (years, a few values missing); all other columns are strings, where
        ``manufacturer``, ``model`` and ``description`` may be missing.
    """
    n = int(n_rows)
    if n < 0:
        raise ValueError("n_rows must be >= 0")
    rng = np.random.default_rng(seed)
    t = _inventory_tables()

    cat = rng.choice(len(t.categories), size=n, p=t.probs)

    # Manufacturer and model.
    pair = t.pair_offsets[cat] + np.minimum(
        (rng.random(n) ** 1.3 * t.pair_counts[cat]).astype(np.int64), t.pair_counts[cat] - 1
    )
    maker = t.pair_maker[pair]
    manufacturer = t.maker_aliases.pick(rng, maker, skew=2.2)
    # Rows that only carry a loose family name ("Pump", "AC unit") also tend
    # to carry less specific vocabulary and catalogue numbers.
    loose = rng.random(n) < 0.30
    model = _model_numbers(rng, t.prefixes.pick(rng, pair), arbitrary=np.where(loose, 0.6, 0.35))

    tag = _tag(rng, t.tags.pick(rng, cat, skew=1.4))

    # Description pieces.
    name = t.names.pick(rng, cat)
    loose_rows = np.flatnonzero(loose)
    name[loose_rows] = t.family_names.pick(rng, t.family_of[cat[loose_rows]])
    # Sizes and attributes are sometimes borrowed from a sibling category of
    # the same family, as real schedules share most of that vocabulary.
    sibling = t.family_members.pick(rng, t.family_of[cat])
    borrow = np.where(loose, 0.7, 0.3)
    size_cat = np.where(rng.random(n) < borrow, sibling, cat)
    attr_cat = np.where(rng.random(n) < borrow, sibling, cat)
    sizes = []
    for slot, p_in in ((0, 0.72), (1, 0.33)):
        keep = t.has_size[slot][size_cat] & (rng.random(n) < p_in)

        def make_size(rows, slot=slot):
            group = size_cat[rows]
            value = t.size_values[slot].pick(rng, group)
            return np.strings.add(value, t.units.pick(rng, t.size_units[slot][group]))

        sizes.append(_sparse(keep, make_size))
    attr_idx1 = t.attributes.index(rng, attr_cat)
    counts = t.attributes.counts[attr_cat]
    offsets = t.attributes.offsets[attr_cat]
    step = 1 + (rng.random(n) * np.maximum(counts - 1, 1)).astype(np.int64)
    attr_idx2 = offsets + (attr_idx1 - offsets + step) % counts
    attr1 = _sparse(rng.random(n) < 0.62, lambda rows: t.attributes.values[attr_idx1[rows]])
    attr2 = _sparse(rng.random(n) < 0.30, lambda rows: t.attributes.values[attr_idx2[rows]])
    context = _sparse(rng.random(n) < 0.32, lambda rows: _choice(rng, _CONTEXT_PHRASES, rows.size))
    tag_text = _sparse(rng.random(n) < 0.12, lambda rows: tag[rows])
    maker_text = _sparse(rng.random(n) < 0.10, lambda rows: t.maker_aliases.pick(rng, maker[rows]))

    parts = (tag_text, name, sizes[0], sizes[1], attr1, attr2, context, maker_text)
    order = rng.choice(len(_ORDERS), size=n, p=_ORDER_P)
    sep = _choice(rng, _SEPARATORS, n, p=_SEPARATOR_P)
    description = np.empty(n, dtype=_STR)
    for g, slots in enumerate(_ORDERS):
        rows = np.flatnonzero(order == g)
        if rows.size:
            description[rows] = _join_nonempty([parts[k][rows] for k in slots], sep[rows])

    # Generic, hard-to-classify descriptions.
    generic = rng.random(n) < 0.10
    rows = np.flatnonzero(generic)
    if rows.size:
        phrase = _where(
            rng.random(rows.size) < 0.6,
            t.family_generic.pick(rng, t.family_of[cat[rows]]),
            _choice(rng, _GLOBAL_GENERIC, rows.size),
        )
        with_tag = np.flatnonzero(rng.random(rows.size) < 0.3)
        tag_prefix = np.strings.add(tag[rows[with_tag]], " ")
        phrase[with_tag] = np.strings.add(tag_prefix, phrase[with_tag])
        description[rows] = phrase

    description = _truncate(rng, description, 0.03)
    description = _apply_case(rng, description, upper=0.08, lower=0.05)
    description = _apply_typos(rng, description, 0.08)
    manufacturer = _apply_case(rng, manufacturer, upper=0.06, lower=0.02)

    missing_manufacturer = rng.random(n) < np.where(generic, 0.5, 0.05)
    missing_model = rng.random(n) < np.where(generic, 0.6, 0.06)
    missing_description = rng.random(n) < 0.004
    service_life = t.service_life[cat].copy()
    service_life[rng.random(n) < 0.03] = np.nan

    return pd.DataFrame(
        {
            "equipment_tag": _to_series(tag),
            "manufacturer": _to_series(manufacturer, missing_manufacturer),
            "model": _to_series(model, missing_model),
            "category_name": _lookup_series(t.category_names, cat),
            "omniclass_code": _lookup_series(t.omniclass, cat),
            "uniformat_code": _lookup_series(t.uniformat, cat),
            "masterformat_code": _lookup_series(t.masterformat, cat),
            "mcaa_system_category": _lookup_series(t.mcaa, cat),
            "service_life": pd.Series(service_life, dtype="float64"),
            "description": _to_series(description, missing_description),
        },
        columns=list(INVENTORY_COLUMNS),
    )


# ---------------------------------------------------------------------------
# Reference files
# ---------------------------------------------------------------------------


def reference_tables() -> dict[str, pd.DataFrame]:
    """Reference tables covering every code used by :func:`generate_inventory`.

    Each table also lists a few codes that the generator never emits.
    """
    omniclass = {c.omniclass_code: c.omniclass_title for c in CATEGORIES}
    omniclass.update(_EXTRA_OMNICLASS)
    used_uniformat = {c.uniformat_code for c in CATEGORIES}
    used_masterformat = {c.masterformat_code for c in CATEGORIES}
    missing_u = used_uniformat - UNIFORMAT_TITLES.keys()
    missing_m = used_masterformat - MASTERFORMAT_TITLES.keys()
    if missing_u or missing_m:
        raise RuntimeError(f"codes without titles: {sorted(missing_u | missing_m)}")
    life = {c.name: c.service_life for c in CATEGORIES}
    life.update(_EXTRA_SERVICE_LIFE)

    def frame(mapping: dict, columns: list[str]) -> pd.DataFrame:
        items = sorted(mapping.items())
        return pd.DataFrame(items, columns=columns)

    return {
        "omniclass.csv": frame(omniclass, ["code", "title"]),
        "uniformat.csv": frame(UNIFORMAT_TITLES, ["code", "title"]),
        "masterformat.csv": frame(MASTERFORMAT_TITLES, ["code", "title"]),
        "service_life.csv": frame(life, ["category_name", "service_life_years"]),
    }


def write_reference_files(directory: str | Path) -> list[Path]:
    """Write ``omniclass.csv``, ``uniformat.csv``, ``masterformat.csv`` and
    ``service_life.csv`` into ``directory`` (created if needed).

    Returns the paths written.
    """
    out_dir = Path(directory)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for filename, table in reference_tables().items():
        path = out_dir / filename
        atomic_write_text(path, table.to_csv(index=False))
        written.append(path)
    return written


# ---------------------------------------------------------------------------
# Asset register (a second, messier dataset with a different schema)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AssetType:
    """One fine-grained asset type of the asset register."""

    name: str
    system: str
    trade_group: str
    labels: tuple[str, ...]
    names: tuple[str, ...]
    makes: tuple[str, ...]
    capacity_unit: str | None
    capacity_values: tuple[str, ...]


def _asset(
    name: str, system: str, trade: str, labels: str, names: Sequence[str], makes: str, capacity: str = ""
) -> AssetType:
    """Build an asset type; ``makes`` is ``|``-separated, ``capacity`` is
    ``"unit: v1 v2 ..."`` (empty when the type has no meaningful capacity)."""
    unit, values = None, ()
    if capacity:
        unit_part, value_part = capacity.split(":", 1)
        unit, values = unit_part.strip(), tuple(value_part.split())
    return AssetType(
        name=name,
        system=system,
        trade_group=trade,
        labels=tuple(labels.split()),
        names=tuple(names),
        makes=tuple(m.strip() for m in makes.split("|")),
        capacity_unit=unit,
        capacity_values=values,
    )


_MECH = "Mechanical"
_PLUMB = "Plumbing"
_ELEC = "Electrical"
_FLS = "Fire & Life Safety"
_CTRLS = "Controls"

_HEAT = "Heating"
_COOL = "Cooling"
_AIRD = "Air Distribution"
_DW = "Domestic Water"
_SAN = "Sanitary & Storm"
_NPWR = "Normal Power"
_SPWR = "Standby Power"
_LIGHT = "Lighting"
_SUPP = "Fire Suppression"
_ALARM = "Fire Alarm"
_BAS = "Building Automation"

_HVAC_PUMP_MAKES = "Bell & Gossett|Armstrong|Taco|Grundfos"

ASSET_TYPES: tuple[AssetType, ...] = (
    # Heating
    _asset(
        "Condensing Boiler",
        _HEAT,
        _MECH,
        "BLR B",
        ["cond. boiler", "condensing blr", "chaudière à condensation", "HW boiler - condensing", "boiler cond gas"],
        "Lochinvar|Aerco|Viessmann|Weil-McLain",
        "mbh: 500 750 1000 1500 2000 3000 4000 6000",
    ),
    _asset(
        "Non-Condensing Boiler",
        _HEAT,
        _MECH,
        "BLR B",
        ["boiler (non-cond)", "atmospheric boiler", "chaudière gaz", "cast iron boiler", "HW blr"],
        "Weil-McLain|Burnham|Raypak|Cleaver-Brooks",
        "mbh: 300 500 750 1000 2000 4000",
    ),
    _asset(
        "Steam Boiler",
        _HEAT,
        _MECH,
        "BLR SB",
        ["steam blr", "LP steam boiler", "chaudière vapeur", "firetube stm boiler"],
        "Cleaver-Brooks|Fulton|Burnham|Miura",
        "hp: 50 100 150 200 300 500",
    ),
    _asset(
        "Electric Boiler",
        _HEAT,
        _MECH,
        "EB BLR",
        ["elec boiler", "electric HW boiler", "chaudière électrique", "boiler elec."],
        "Precision|Thermolec|Electro Industries",
        "kw: 24 48 96 150 300 480 720",
    ),
    _asset(
        "Furnace",
        _HEAT,
        _MECH,
        "F FURN",
        ["gas furnace", "furnace", "fournaise", "GF w/ AC coil", "fournaise au gaz"],
        "Lennox|Carrier|Trane|Goodman",
        "mbh: 40 60 80 100 120 140",
    ),
    _asset(
        "Unit Heater",
        _HEAT,
        _MECH,
        "UH",
        ["unit htr", "UH gas", "aérotherme", "prop. unit heater", "UH HW"],
        "Modine|Reznor|Sterling",
        "mbh: 30 45 60 75 100 150 250",
    ),
    _asset(
        "Cabinet Unit Heater",
        _HEAT,
        _MECH,
        "CUH",
        ["cab. unit htr", "CUH recessed", "convecteur", "cabinet heater", "CUH entry"],
        "Trane|Airtherm|Rittling|Sigma",
        "mbh: 10 20 30 40 60",
    ),
    _asset(
        "Baseboard Heater",
        _HEAT,
        _ELEC,
        "BB EBB",
        ["elec baseboard", "baseboard htr", "plinthe électrique", "plinthe", "BB heater"],
        "Ouellet|Stelpro|Dimplex|Sterling",
        "kw: 0.5 0.75 1 1.5 2 2.5 3",
    ),
    _asset(
        "Radiant Panel",
        _HEAT,
        _MECH,
        "RP",
        ["radiant ceiling panel", "rad panel", "panneau radiant", "radiant htg panel"],
        "Sterling|Twa|Airtex|Rittling",
        "w: 500 750 1000 1500 2000 3000",
    ),
    _asset(
        "Heating Hot Water Pump",
        _HEAT,
        _MECH,
        "HWP P",
        ["HHW pump", "hw circ pump", "pompe eau chaude", "heating pump", "HWP"],
        _HVAC_PUMP_MAKES,
        "hp: 1 2 3 5 7.5 10 15 20 30 50",
    ),
    _asset(
        "Condensate Return Unit",
        _HEAT,
        _MECH,
        "CRU CP",
        ["cond. return unit", "condensate pump", "steam condensate rcvr", "pompe condensat"],
        "Skidmore|Shipco|Domestic Pump|Hoffman",
        "hp: 0.5 0.75 1 1.5 2 3 5",
    ),
    _asset(
        "Expansion Tank",
        _HEAT,
        _MECH,
        "ET XT",
        ["exp tank", "expansion tank, bladder", "réservoir d'expansion", "compression tank"],
        "Amtrol|Bell & Gossett|Wessels|Taco",
        "gal: 20 40 80 130 200 300 500",
    ),
    _asset(
        "Plate Heat Exchanger",
        _HEAT,
        _MECH,
        "HX",
        ["plate HX", "PHE", "échangeur à plaques", "P&F heat exch", "HX plate"],
        "Alfa Laval|Tranter|Bell & Gossett|Armstrong",
        "gpm: 50 100 200 400 800 1500",
    ),
    # Cooling
    _asset(
        "Centrifugal Chiller",
        _COOL,
        _MECH,
        "CH CHLR",
        ["centrif chlr", "WC centrifugal", "refroidisseur centrifuge", "chiller centrif."],
        "Trane|Carrier|York|Daikin",
        "tons: 300 400 500 750 1000 1500",
    ),
    _asset(
        "Screw Chiller",
        _COOL,
        _MECH,
        "CH CHLR",
        ["screw chlr", "rotary screw chiller", "refroidisseur à vis", "WC screw"],
        "Trane|Carrier|Daikin|York",
        "tons: 100 150 200 300 400 500",
    ),
    _asset(
        "Air-Cooled Chiller",
        _COOL,
        _MECH,
        "CH ACC",
        ["AC chiller", "air cooled chlr", "refroidisseur à air", "scroll chiller A/C"],
        "Trane|Carrier|York|Daikin",
        "tons: 20 40 60 100 150 200 300 400",
    ),
    _asset(
        "Absorption Chiller",
        _COOL,
        _MECH,
        "ABS CH",
        ["absorption chlr", "LiBr absorber", "double effect abs chiller", "refroidisseur à absorption"],
        "Broad|Thermax|Yazaki|York",
        "tons: 100 200 400 600 1000 1500",
    ),
    _asset(
        "Cooling Tower",
        _COOL,
        _MECH,
        "CT",
        ["clg tower", "CT cell", "tour de refroidissement", "open tower", "twr"],
        "Baltimore Aircoil|Evapco|Marley",
        "tons: 100 200 300 500 750 1000 1500",
    ),
    _asset(
        "Fluid Cooler",
        _COOL,
        _MECH,
        "FC DC",
        ["closed circuit cooler", "fluid clr", "dry cooler", "aérorefroidisseur"],
        "Baltimore Aircoil|Evapco|Guntner",
        "tons: 20 50 100 200 300 500",
    ),
    _asset(
        "Condensing Unit",
        _COOL,
        _MECH,
        "CU ACCU",
        ["cond unit", "ACCU", "condenseur", "outdoor cond. unit"],
        "Carrier|Trane|Lennox|Copeland",
        "tons: 1.5 2 3 5 7.5 10 20 40 60",
    ),
    _asset(
        "Chilled Water Pump",
        _COOL,
        _MECH,
        "CHWP P",
        ["CHW pump", "chilled wtr pump", "pompe eau glacée", "prim. CHW pump"],
        _HVAC_PUMP_MAKES,
        "hp: 5 7.5 10 15 20 30 50 75 100 150",
    ),
    _asset(
        "Condenser Water Pump",
        _COOL,
        _MECH,
        "CWP P",
        ["CW pump", "cond. water pump", "pompe eau condenseur", "tower pump"],
        _HVAC_PUMP_MAKES,
        "hp: 10 15 20 30 50 75 100 150",
    ),
    _asset(
        "Water Source Heat Pump",
        _COOL,
        _MECH,
        "WSHP HP",
        ["WSHP", "water source HP", "thermopompe eau", "console heat pump"],
        "ClimateMaster|Florida Heat Pump|Trane|Daikin",
        "tons: 0.5 0.75 1 1.5 2 3 5 10 25",
    ),
    _asset(
        "VRF Outdoor Unit",
        _COOL,
        _MECH,
        "VRF CU ODU",
        ["VRF ODU", "VRF condensing unit", "VRV outdoor", "unité extérieure VRF"],
        "Mitsubishi Electric|Daikin|LG|Samsung",
        "tons: 6 8 10 12 16 20 24 30",
    ),
    _asset(
        "VRF Indoor Unit",
        _COOL,
        _MECH,
        "FCU IDU VRF",
        ["VRF IDU", "VRF cassette", "ducted VRF unit", "unité intérieure"],
        "Mitsubishi Electric|Daikin|LG|Samsung",
        "tons: 0.5 0.75 1 1.5 2 3 4 5",
    ),
    _asset(
        "Split System AC",
        _COOL,
        _MECH,
        "AC DSS MS",
        ["mini split", "ductless split", "split AC", "climatiseur mural", "thermopompe murale"],
        "Mitsubishi Electric|Fujitsu|Daikin|LG",
        "tons: 0.75 1 1.5 2 3 4 5",
    ),
    _asset(
        "CRAC Unit",
        _COOL,
        _MECH,
        "CRAC",
        ["CRAC", "computer rm AC", "precision AC", "clim salle serveurs"],
        "Liebert|Stulz|Data Aire",
        "tons: 5 8 10 15 20 30",
    ),
    # Air distribution
    _asset(
        "Air Handling Unit",
        _AIRD,
        _MECH,
        "AHU AH",
        ["AHU", "air handler", "CTA", "centrale de traitement d'air", "AHU VAV"],
        "Trane|Carrier|Daikin|York|Huntair",
        "cfm: 2000 5000 8000 10000 15000 20000 30000 50000",
    ),
    _asset(
        "Rooftop Unit",
        _AIRD,
        _MECH,
        "RTU AC",
        ["RTU", "pkg rooftop", "roof top AC", "unité de toit", "RTU gas/elec"],
        "Trane|Carrier|Lennox|York|Aaon",
        "tons: 3 5 7.5 10 15 20 25 40 50",
    ),
    _asset(
        "Make-Up Air Unit",
        _AIRD,
        _MECH,
        "MAU",
        ["MUA", "make up air unit", "MAU gas fired", "appareil d'air d'appoint"],
        "Greenheck|Reznor|CaptiveAire|Engineered Air",
        "cfm: 1000 2000 4000 8000 12000 20000",
    ),
    _asset(
        "Energy Recovery Ventilator",
        _AIRD,
        _MECH,
        "ERV HRV",
        ["ERV", "HRV", "récupérateur de chaleur", "energy recovery vent."],
        "RenewAire|Greenheck|Venmar|Semco",
        "cfm: 200 500 1000 2000 4000 10000",
    ),
    _asset(
        "Fan Coil Unit",
        _AIRD,
        _MECH,
        "FCU FC",
        ["FCU", "fan coil", "ventilo-convecteur", "4 pipe FC"],
        "Carrier|Trane|Enviro-Tec|International Environmental",
        "cfm: 200 300 400 600 800 1200",
    ),
    _asset(
        "VAV Box",
        _AIRD,
        _MECH,
        "VAV",
        ["VAV", "VAV w/ RH", "boîte VAV", "VAV terminal", "VAV box"],
        "Titus|Price|Nailor|Krueger",
        "cfm: 100 200 400 800 1200 2000 3000",
    ),
    _asset(
        "Fan Powered Box",
        _AIRD,
        _MECH,
        "FPB FPVAV",
        ["FPB", "fan powered VAV", "series fan box", "parallel FPB"],
        "Titus|Price|Nailor|Trane",
        "cfm: 200 400 800 1200 1600 2500",
    ),
    _asset(
        "Exhaust Fan",
        _AIRD,
        _MECH,
        "EF",
        ["EF", "exh fan", "ventilateur d'extraction", "roof exh fan", "toilet EF"],
        "Greenheck|Loren Cook|PennBarry",
        "cfm: 100 250 500 1000 2000 5000 10000",
    ),
    _asset(
        "Supply Fan",
        _AIRD,
        _MECH,
        "SF",
        ["SF", "supply fan", "ventilateur d'alimentation", "inline supply fan"],
        "Greenheck|Loren Cook|Twin City Fan",
        "cfm: 500 1000 2000 5000 10000 30000",
    ),
    _asset(
        "Return Fan",
        _AIRD,
        _MECH,
        "RF",
        ["RF", "return fan", "ventilateur de retour", "RA fan"],
        "Greenheck|Loren Cook|Twin City Fan",
        "cfm: 500 1000 2000 5000 10000 30000",
    ),
    _asset(
        "Kitchen Exhaust Fan",
        _AIRD,
        _MECH,
        "KEF",
        ["KEF", "kitchen exh fan", "ventilateur hotte cuisine", "grease exh fan"],
        "CaptiveAire|Greenheck|Loren Cook",
        "cfm: 500 1000 2000 4000 6000",
    ),
    _asset(
        "Fire Damper",
        _AIRD,
        _FLS,
        "FD",
        ["FD", "fire dmpr", "volet coupe-feu", "curtain fire damper"],
        "Ruskin|Greenheck|Pottorff|Nailor",
    ),
    _asset(
        "Smoke Damper",
        _AIRD,
        _FLS,
        "SD FSD",
        ["FSD", "combo fire/smoke dmpr", "volet coupe-fumée", "smoke dmpr"],
        "Ruskin|Greenheck|Pottorff",
    ),
    _asset(
        "Humidifier",
        _AIRD,
        _MECH,
        "HUM H",
        ["humidifier", "steam humidifier", "humidificateur", "HUM elec"],
        "Nortec|DriSteem|Armstrong|Carel",
        "lbhr: 10 25 50 100 200",
    ),
    # Domestic water
    _asset(
        "Gas Water Heater",
        _DW,
        _PLUMB,
        "WH DWH",
        ["gas WH", "DHW heater gas", "chauffe-eau gaz", "storage WH gas"],
        "A.O. Smith|Rheem|Bradford White|PVI",
        "gal: 40 50 75 100 120",
    ),
    _asset(
        "Electric Water Heater",
        _DW,
        _PLUMB,
        "EWH WH",
        ["elec WH", "electric DHW tank", "chauffe-eau électrique", "EWH 3 elem"],
        "A.O. Smith|Rheem|Bradford White|Giant",
        "gal: 30 40 50 60 80 120",
    ),
    _asset(
        "Tankless Water Heater",
        _DW,
        _PLUMB,
        "TWH WH",
        ["tankless WH", "instantaneous heater", "chauffe-eau instantané", "on-demand WH"],
        "Rinnai|Navien|Noritz|Bosch",
        "mbh: 120 150 180 199",
    ),
    _asset(
        "Domestic Booster Pump",
        _DW,
        _PLUMB,
        "BP DBP",
        ["booster pump pkg", "DCW booster", "surpresseur", "triplex booster"],
        "Grundfos|SyncroFlo|Bell & Gossett|Xylem",
        "hp: 3 5 7.5 10 15 20 30 40",
    ),
    _asset(
        "DHW Recirculation Pump",
        _DW,
        _PLUMB,
        "RCP CP",
        ["DHW recirc pump", "recirc pump", "pompe de recirculation", "HWR pump"],
        "Grundfos|Bell & Gossett|Taco|Armstrong",
        "hp: 0.05 0.08 0.17 0.25 0.5 1",
    ),
    _asset(
        "Backflow Preventer",
        _DW,
        _PLUMB,
        "BFP RPZ",
        ["RPZ", "backflow prev", "dispositif antirefoulement", "DCVA", "dispositif anti-retour"],
        "Watts|Wilkins|Febco|Ames",
        "in: 0.75 1 1.5 2 3 4 6 8",
    ),
    _asset(
        "Water Softener",
        _DW,
        _PLUMB,
        "WS",
        ["softener", "water softnr", "adoucisseur", "duplex softener"],
        "Culligan|Kinetico|Pentair",
        "grain: 30000 60000 90000 150000 300000",
    ),
    _asset(
        "Thermostatic Mixing Valve",
        _DW,
        _PLUMB,
        "TMV MV",
        ["TMV", "mixing valve", "mitigeur thermostatique", "master mixing valve"],
        "Leonard|Lawler|Powers|Armstrong",
        "gpm: 5 10 20 50 100 200",
    ),
    _asset(
        "Pressure Reducing Valve",
        _DW,
        _PLUMB,
        "PRV",
        ["PRV", "press. reducing vlv", "réducteur de pression", "PRV station"],
        "Watts|Wilkins|Cla-Val",
        "in: 0.75 1 1.5 2 3 4 6",
    ),
    # Sanitary and storm
    _asset(
        "Sump Pump",
        _SAN,
        _PLUMB,
        "SP",
        ["sump pmp", "sump pump duplex", "pompe de puisard", "elev pit sump"],
        "Zoeller|Liberty Pumps|Weil|Goulds",
        "hp: 0.33 0.5 0.75 1 2 3 5",
    ),
    _asset(
        "Sewage Ejector",
        _SAN,
        _PLUMB,
        "SE EP",
        ["sewage ejector", "ejector pmp", "pompe eaux usées", "grinder pump"],
        "Zoeller|Liberty Pumps|Hydromatic|Barnes",
        "hp: 0.5 1 2 3 5 7.5 10",
    ),
    _asset(
        "Grease Interceptor",
        _SAN,
        _PLUMB,
        "GI GT",
        ["grease trap", "grease int.", "intercepteur de graisse", "GI in-ground"],
        "Zurn|Schier|Watts|Jay R. Smith",
        "gal: 20 50 100 500 1000 1500",
    ),
    _asset(
        "Storm Water Pump",
        _SAN,
        _PLUMB,
        "STP SWP",
        ["storm pump", "stormwater lift pump", "pompe pluviale", "area drain pump"],
        "Goulds|Flygt|Hydromatic",
        "hp: 1 2 3 5 10 15 25",
    ),
    # Normal power
    _asset(
        "Main Switchboard",
        _NPWR,
        _ELEC,
        "MSB SWBD",
        ["MSB", "main swbd", "tableau principal", "service entrance swbd"],
        "Square D|Eaton|Siemens|GE",
        "amps: 800 1200 1600 2000 3000 4000",
    ),
    _asset(
        "Medium Voltage Switchgear",
        _NPWR,
        _ELEC,
        "SWGR MVS",
        ["MV swgr", "15kV switchgear", "appareillage MT", "metal-clad swgr"],
        "Eaton|Siemens|ABB|Square D",
        "amps: 600 1200 2000 3000",
    ),
    _asset(
        "Panelboard",
        _NPWR,
        _ELEC,
        "LP PP PNL",
        ["panel", "lighting pnl", "panneau", "power panel 208V", "panneau de distribution"],
        "Square D|Eaton|Siemens|GE",
        "amps: 100 125 225 400 600 800",
    ),
    _asset(
        "Dry Type Transformer",
        _NPWR,
        _ELEC,
        "T TX XFMR",
        ["xfmr dry type", "transfo sec", "TX 480-208", "step down xfmr"],
        "Square D|Eaton|Hammond|Siemens",
        "kva: 15 30 45 75 112.5 150 225 300 500",
    ),
    _asset(
        "Pad-Mounted Transformer",
        _NPWR,
        _ELEC,
        "PMT TX",
        ["pad mount xfmr", "utility xfmr", "transformateur sur socle", "oil filled TX"],
        "ABB|Eaton|Howard|ERMCO",
        "kva: 150 300 500 750 1000 1500 2500 3000",
    ),
    _asset(
        "Motor Control Center",
        _NPWR,
        _ELEC,
        "MCC",
        ["MCC", "motor ctrl ctr", "centre de commande moteurs", "MCC lineup"],
        "Eaton|Square D|Allen-Bradley|Siemens",
        "amps: 400 600 800 1200 2000",
    ),
    _asset(
        "Variable Frequency Drive",
        _NPWR,
        _ELEC,
        "VFD",
        ["VFD", "VSD", "variateur de vitesse", "drive (VFD)", "var. freq drive"],
        "ABB|Danfoss|Yaskawa|Eaton",
        "hp: 1 2 3 5 7.5 10 15 25 50 100 200",
    ),
    _asset(
        "Disconnect Switch",
        _NPWR,
        _ELEC,
        "DS DISC",
        ["disc sw", "safety switch", "sectionneur", "fused disconnect"],
        "Square D|Eaton|Siemens|GE",
        "amps: 30 60 100 200 400 600",
    ),
    _asset(
        "Busway",
        _NPWR,
        _ELEC,
        "BW BD",
        ["busway", "bus duct", "canalisation préfabriquée", "plug-in busway"],
        "Square D|Eaton|Siemens|GE",
        "amps: 225 400 800 1600 2500 4000",
    ),
    # Standby power
    _asset(
        "Diesel Generator",
        _SPWR,
        _ELEC,
        "GEN EG",
        ["diesel gen", "emerg generator", "génératrice diesel", "genset diesel"],
        "Caterpillar|Cummins|Kohler|MTU|Generac",
        "kw: 50 100 250 500 750 1000 1500 2500",
    ),
    _asset(
        "Natural Gas Generator",
        _SPWR,
        _ELEC,
        "GEN NG",
        ["NG gen", "natural gas genset", "génératrice au gaz", "standby gen NG"],
        "Generac|Kohler|Cummins|Caterpillar",
        "kw: 20 50 100 150 300 500 1000",
    ),
    _asset(
        "Automatic Transfer Switch",
        _SPWR,
        _ELEC,
        "ATS",
        ["ATS", "auto transfer sw", "inverseur automatique", "ATS EM"],
        "ASCO|Russelectric|Cummins|Kohler",
        "amps: 100 200 400 600 800 1200 2000 3000",
    ),
    _asset(
        "UPS",
        _SPWR,
        _ELEC,
        "UPS",
        ["UPS", "onduleur", "UPS module", "static UPS"],
        "Eaton|Schneider Electric|Vertiv",
        "kva: 5 10 20 40 80 160 300 500 800",
    ),
    _asset(
        "Emergency Lighting Inverter",
        _SPWR,
        _ELEC,
        "INV ELI",
        ["EM lighting inverter", "central inverter", "onduleur éclairage d'urgence", "emerg. inverter"],
        "Myers Power|Dual-Lite|Lithonia|Bodine",
        "kw: 0.5 1 2 5 10 20",
    ),
    _asset(
        "Fuel Day Tank",
        _SPWR,
        _ELEC,
        "DT FT",
        ["day tank", "fuel tank", "réservoir de carburant", "sub-base tank"],
        "Pryco|Tramont|Simplex|ConVault",
        "gal: 25 50 100 250 500 1000 2000",
    ),
    # Lighting
    _asset(
        "Lighting Control Panel",
        _LIGHT,
        _CTRLS,
        "LCP",
        ["LCP", "lighting relay pnl", "panneau contrôle éclairage", "lighting ctrl panel"],
        "Lutron|Acuity Controls|Wattstopper|Hubbell",
        "relay: 8 16 24 32 48",
    ),
    _asset(
        "Exit Sign",
        _LIGHT,
        _ELEC,
        "EX",
        ["exit sign", "EXIT LED", "enseigne sortie", "exit w/ battery"],
        "Lithonia|Dual-Lite|Beghelli|Emergi-Lite",
    ),
    _asset(
        "Emergency Light Unit",
        _LIGHT,
        _ELEC,
        "EL EBU",
        ["EM light", "battery unit", "bloc autonome", "emergency lighting unit"],
        "Lithonia|Emergi-Lite|Dual-Lite|Beghelli",
        "w: 12 36 72 144 360 720",
    ),
    _asset(
        "Site Lighting Pole",
        _LIGHT,
        _ELEC,
        "SL LP",
        ["site light pole", "pole light", "lampadaire", "parking lot light"],
        "Lithonia|Cooper|Hubbell|Philips",
        "w: 50 100 150 250 400",
    ),
    # Fire suppression
    _asset(
        "Electric Fire Pump",
        _SUPP,
        _FLS,
        "FP",
        ["fire pump elec", "FP electric", "pompe incendie", "HSC fire pump"],
        "Aurora|Peerless|Patterson|Armstrong",
        "gpm: 250 500 750 1000 1500 2500",
    ),
    _asset(
        "Diesel Fire Pump",
        _SUPP,
        _FLS,
        "FP DFP",
        ["diesel fire pump", "FP diesel", "motopompe incendie", "DFP engine"],
        "Clarke|Peerless|Aurora|Patterson",
        "gpm: 500 750 1000 1500 2000 2500",
    ),
    _asset(
        "Jockey Pump",
        _SUPP,
        _FLS,
        "JP",
        ["JP", "jockey pmp", "pompe jockey", "pressure maint pump"],
        "Grundfos|Aurora|Goulds",
        "gpm: 5 10 15 20 30 50",
    ),
    _asset(
        "Wet Alarm Valve",
        _SUPP,
        _FLS,
        "AV WAV RISER",
        ["alarm valve", "wet riser", "soupape d'alarme", "alarm chk vlv"],
        "Viking|Tyco|Victaulic|Reliable",
        "in: 2 2.5 3 4 6 8",
    ),
    _asset(
        "Dry Pipe Valve",
        _SUPP,
        _FLS,
        "DPV DRY",
        ["dry valve", "dry pipe vlv", "poste sous air", "dry sys riser"],
        "Viking|Tyco|Victaulic|Reliable",
        "in: 2 2.5 3 4 6 8",
    ),
    _asset(
        "Preaction Valve",
        _SUPP,
        _FLS,
        "PAV PRE",
        ["preaction vlv", "pre-action system", "système à préaction", "double interlock PAV"],
        "Viking|Tyco|Victaulic|Reliable",
        "in: 2 3 4 6 8",
    ),
    _asset(
        "Fire Department Connection",
        _SUPP,
        _FLS,
        "FDC",
        ["FDC", "siamese conn.", "raccord pompier", "FDC 2-way"],
        "Potter Roemer|Guardian|Croker|Elkhart",
        "in: 4 5 6",
    ),
    _asset(
        "Kitchen Hood Suppression",
        _SUPP,
        _FLS,
        "KHS ANSUL",
        ["ansul system", "hood suppression", "système extinction hotte", "wet chem system"],
        "Ansul|Amerex|Kidde|Pyro-Chem",
        "gal: 1.5 3 4.5 6",
    ),
    _asset(
        "Clean Agent System",
        _SUPP,
        _FLS,
        "CAS FM200",
        ["FM-200 sys", "clean agent", "Novec 1230 system", "système agent propre"],
        "Kidde|Fike|Ansul|Siemens",
        "lb: 50 100 250 500 1000 1500",
    ),
    _asset(
        "Dry System Air Compressor",
        _SUPP,
        _FLS,
        "AC AMD",
        ["dry sys compressor", "riser air comp", "compresseur sous air", "AMD air maint"],
        "General Air|Viking|Gast|Quincy",
        "hp: 0.5 0.75 1 1.5 2 3",
    ),
    # Fire alarm
    _asset(
        "Fire Alarm Control Panel",
        _ALARM,
        _FLS,
        "FACP",
        ["FACP", "FA panel", "panneau d'alarme incendie", "fire alarm ctrl"],
        "Notifier|Simplex|Edwards|Siemens",
        "points: 50 250 500 1000 3000",
    ),
    _asset(
        "Fire Alarm Annunciator",
        _ALARM,
        _FLS,
        "ANN RA",
        ["annunciator", "remote annun.", "annonciateur", "LCD annunciator"],
        "Notifier|Simplex|Edwards|Mircom",
    ),
    _asset(
        "NAC Power Extender",
        _ALARM,
        _FLS,
        "NAC BPS",
        ["NAC panel", "booster pwr supply", "prolongateur NAC", "NAC ext"],
        "Notifier|Simplex|Edwards|Mircom",
        "amps: 6 8 10",
    ),
    _asset(
        "Duct Smoke Detector",
        _ALARM,
        _CTRLS,
        "DSD",
        ["duct det", "duct smoke det.", "détecteur de conduit", "DSD w/ RTS"],
        "System Sensor|Edwards|Notifier",
    ),
    # Building automation
    _asset(
        "DDC Controller",
        _BAS,
        _CTRLS,
        "DDC CP",
        ["DDC ctrl", "field controller", "contrôleur DDC", "unitary ctrl"],
        "Johnson Controls|Siemens|Honeywell|Distech Controls|Automated Logic",
        "points: 8 16 32 64 128 256",
    ),
    _asset(
        "Network Controller",
        _BAS,
        _CTRLS,
        "NC JACE",
        ["JACE", "network ctrl", "contrôleur réseau", "supervisory ctrl"],
        "Tridium|Johnson Controls|Siemens|Honeywell",
        "points: 100 500 1000 2500 5000",
    ),
    _asset(
        "Control Air Compressor",
        _BAS,
        _MECH,
        "CAC AC",
        ["control air comp", "pneumatic compressor", "compresseur d'air contrôle", "tank mtd air comp"],
        "Quincy|Ingersoll Rand|Powerex|Curtis",
        "hp: 1 2 3 5 7.5 10",
    ),
    _asset(
        "Energy Meter",
        _BAS,
        _CTRLS,
        "EM BTU",
        ["BTU meter", "energy mtr", "compteur d'énergie", "kWh meter"],
        "Onicon|Schneider Electric|Siemens|Badger",
    ),
)

_ASSET_UNIT_VARIANTS: dict[str, tuple[str, ...]] = {
    **_UNIT_VARIANTS,
    "lbhr": (" lb/hr", "lbs/h", " PPH", " lb/h"),
    "w": (" W", "W", " watts", "w"),
    "lb": (" lb", " lbs", "#", "LB"),
    "relay": (" relais", " relays", "R", " relay"),
}

_ASSET_CONDITIONS: tuple[str, ...] = (
    "good cond",
    "fair",
    "poor cond.",
    "needs repl",
    "end of life",
    "leaking",
    "brg noise",
    "belt replaced 2021",
    "PM done",
    "PM overdue",
    "vibration",
    "rust on casing",
    "new 2022",
    "bon état",
    "à remplacer",
    "fuite",
    "hors service",
    "OOS",
    "per survey",
    "as-built",
    "tag missing",
    "no nameplate",
    "nameplate faded",
    "verify in field",
    "vérifier",
    "abandoned in place",
    "serves 2nd flr",
    "dessert le 3e étage",
    "alarm active",
    "runs 24/7",
    "seasonal",
    "état moyen",
    "motor replaced",
    "noisy",
    "corrosion",
    "warranty exp. 2025",
)

_ASSET_GENERIC_NOTES: tuple[str, ...] = (
    "see attached",
    "ok",
    "per walkdown",
    "vu sur place",
    "info to follow",
    "TBD",
    "idem",
    "same as above",
    "as above",
    "see photo",
    "no access",
    "pas d'accès",
    "voir photo",
    "nameplate not legible",
    "?",
)

_BUILDINGS: tuple[str, ...] = (
    "Bldg A",
    "Bldg B",
    "Bldg 2",
    "Tower B",
    "Annex",
    "Main",
    "Pavillon C",
    "Edifice 1",
    "BLDG-3",
    "West Wing",
    "",
)

_SYSTEM_ROOMS: dict[str, tuple[str, ...]] = {
    _HEAT: ("Boiler Rm", "Mech Rm B1", "chaufferie", "Penthouse", "Mech 101"),
    _COOL: ("Chiller Plant", "Roof", "Mech Rm B1", "salle mécanique", "Toit", "CUP"),
    _AIRD: ("Roof", "Penthouse", "Mech Rm 3", "Ceiling L2", "plafond", "Fan Rm"),
    _DW: ("Plumbing Rm", "Mech Rm B1", "Janitor closet", "sous-sol", "Water entry rm"),
    _SAN: ("Elevator Pit", "Basement", "sous-sol", "Parking P1", "Kitchen"),
    _NPWR: ("Elec Rm", "Main Elec Rm", "salle électrique", "Elec Closet L3", "Vault"),
    _SPWR: ("Gen Yard", "Generator Rm", "Roof", "UPS Rm", "salle génératrice"),
    _LIGHT: ("Elec Closet", "Corridor", "Parking Lot", "Stair 2", "Lobby"),
    _SUPP: ("Fire Pump Rm", "Sprinkler Rm", "Riser Rm", "salle des gicleurs", "Kitchen"),
    _ALARM: ("Lobby", "Fire Command Ctr", "Security Desk", "Elec Closet", "entrée principale"),
    _BAS: ("BAS Rm", "Mech Rm B1", "IT Closet", "Eng Office", "Mech 101"),
}

_GENERAL_ROOMS: tuple[str, ...] = (
    "Level 1",
    "Level 2",
    "L3",
    "Roof",
    "B1",
    "RDC",
    "Sous-sol",
    "Mezz",
    "Storage",
    "Corridor 2F",
    "Rm 204",
    "Unknown",
    "Exterior",
    "Toit",
    "Penthouse",
)


# Loose names shared by related asset types (keyword of the type name -> names).
_ASSET_FAMILIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Pump", ("pump", "pmp", "pompe", "P", "circ")),
    ("Fan", ("fan", "ventilateur", "FAN", "vent.")),
    ("Chiller", ("chiller", "chlr", "refroidisseur", "CH")),
    ("Boiler", ("boiler", "blr", "chaudière", "chaudiere")),
    ("Heater", ("heater", "htr", "chauffage", "heat")),
    ("Valve", ("valve", "vlv", "soupape", "riser")),
    ("Damper", ("damper", "dmpr", "volet")),
    ("Transformer", ("transformer", "xfmr", "transfo")),
    ("Generator", ("generator", "gen", "génératrice", "genset")),
    ("Controller", ("controller", "ctrl", "contrôleur")),
    ("Panel", ("panel", "pnl", "panneau")),
    ("Switch", ("switch", "sw", "elec. gear")),
    ("Tank", ("tank", "réservoir", "tk")),
    ("Unit", ("unit", "AC unit", "unité", "HVAC unit")),
)


def _asset_family(name: str) -> int:
    for i, (keyword, _) in enumerate(_ASSET_FAMILIES):
        if keyword.lower() in name.lower():
            return i
    return -1


class _AssetTables:
    """Flattened lookup tables derived from :data:`ASSET_TYPES` (built once)."""

    def __init__(self, types: Sequence[AssetType]):
        self.types = tuple(types)
        k = len(types)
        # Deterministic, uneven class frequencies (roughly 1x to 8x).
        ramp = np.linspace(0.0, 1.0, k)
        weights = 1.0 + 7.0 * ((ramp * 7.3) % 1.0) ** 2
        self.probs = weights / weights.sum()
        self.labels = _Pool([a.labels for a in types])
        self.names = _Pool([a.names for a in types])
        family = [_asset_family(a.name) for a in types]
        self.loose_names = _Pool(
            [_ASSET_FAMILIES[f][1] if f >= 0 else a.names for f, a in zip(family, types, strict=True)]
        )
        makes = sorted({m for a in types for m in a.makes})
        make_id = {m: i for i, m in enumerate(makes)}
        self.make_ids = _Pool([[make_id[m] for m in a.makes] for a in types], dtype=np.int64)
        self.make_aliases = _Pool([_MAKER_ALIASES.get(m, (m, m.upper(), m.lower())) for m in makes])
        units = sorted(_ASSET_UNIT_VARIANTS)
        unit_id = {u: i for i, u in enumerate(units)}
        self.units = _Pool([_ASSET_UNIT_VARIANTS[u] for u in units])
        self.has_capacity = np.array([a.capacity_unit is not None for a in types])
        self.capacity_unit = np.array(
            [unit_id[a.capacity_unit] if a.capacity_unit else 0 for a in types], dtype=np.int64
        )
        self.capacity_text = _Pool([a.capacity_values or ("",) for a in types])
        self.capacity_number = np.array([float(v) if v else np.nan for v in self.capacity_text.values.tolist()])
        systems = sorted({a.system for a in types})
        system_id = {s: i for i, s in enumerate(systems)}
        self.system_of = np.array([system_id[a.system] for a in types], dtype=np.int64)
        self.system_rooms = _Pool([_SYSTEM_ROOMS[s] for s in systems])
        self.type_names = [a.name for a in types]
        self.systems = [a.system for a in types]
        self.trades = [a.trade_group for a in types]


_ASSET_TABLES: _AssetTables | None = None


def _asset_tables() -> _AssetTables:
    global _ASSET_TABLES
    if _ASSET_TABLES is None:
        _ASSET_TABLES = _AssetTables(ASSET_TYPES)
    return _ASSET_TABLES


# Orderings of the note slots: 0 name, 1 capacity, 2 condition, 3 extra, 4 room
_NOTE_ORDERS = (
    (0, 1, 2, 3, 4),
    (1, 0, 3, 2, 4),
    (2, 0, 1, 4, 3),
    (0, 2, 4, 1, 3),
    (3, 0, 1, 2, 4),
)
_NOTE_ORDER_P = [0.35, 0.2, 0.15, 0.15, 0.15]
_NOTE_SEPARATORS = [", ", " ", " - ", "; ", " | ", " / ", ".", "  ", ","]
_NOTE_SEPARATOR_P = [0.25, 0.25, 0.1, 0.1, 0.06, 0.06, 0.06, 0.06, 0.06]


def generate_asset_register(n_rows: int, seed: int = 7) -> pd.DataFrame:
    """Generate a messy synthetic asset register.

    The schema differs from :func:`generate_inventory` on purpose: column
    names contain spaces (:data:`ASSET_REGISTER_COLUMNS`), ``Notes`` is
    free-form text (abbreviations, typos, mixed case, some French), and
    ``Capacity`` is numeric with missing values. Targets are ``Asset Type``
    (fine-grained), ``System`` and ``Trade Group``.
    """
    n = int(n_rows)
    if n < 0:
        raise ValueError("n_rows must be >= 0")
    rng = np.random.default_rng(seed)
    t = _asset_tables()

    kind = rng.choice(len(t.types), size=n, p=t.probs)

    # Asset label, e.g. "AHU-04", "ahu 4", "B2-EF-12".
    label = _tag(rng, t.labels.pick(rng, kind, skew=1.3))
    bldg = np.flatnonzero(rng.random(n) < 0.12)
    building_no = _int_str(rng.integers(1, 6, size=bldg.size))
    label[bldg] = np.strings.add(np.strings.add("B", building_no), np.strings.add("-", label[bldg]))
    label = _apply_case(rng, label, upper=0.0, lower=0.12)

    make_id = t.make_ids.pick(rng, kind, skew=1.2)
    make = _apply_case(rng, t.make_aliases.pick(rng, make_id, skew=1.5), upper=0.1, lower=0.1)

    # Capacity: numeric column plus a textual mention inside the notes.
    cap_idx = t.capacity_text.index(rng, kind)
    capacity = t.capacity_number[cap_idx].copy()
    capacity[rng.random(n) < 0.12] = np.nan

    name = t.names.pick(rng, kind)
    loose = np.flatnonzero(rng.random(n) < 0.25)
    name[loose] = t.loose_names.pick(rng, kind[loose])
    cap_text = _sparse(
        t.has_capacity[kind] & (rng.random(n) < 0.55),
        lambda rows: np.strings.add(
            t.capacity_text.values[cap_idx[rows]], t.units.pick(rng, t.capacity_unit[kind[rows]])
        ),
    )
    condition = _sparse(rng.random(n) < 0.45, lambda rows: _choice(rng, _ASSET_CONDITIONS, rows.size))
    extra = _sparse(
        rng.random(n) < 0.2,
        lambda rows: np.strings.add(
            _choice(rng, ["S/N ", "mod# ", "M/N ", "sn:", "#"], rows.size), _random_code(rng, rows.size)
        ),
    )
    room = _sparse(rng.random(n) < 0.1, lambda rows: t.system_rooms.pick(rng, t.system_of[kind[rows]]))

    parts = (name, cap_text, condition, extra, room)
    order = rng.choice(len(_NOTE_ORDERS), size=n, p=_NOTE_ORDER_P)
    sep = _choice(rng, _NOTE_SEPARATORS, n, p=_NOTE_SEPARATOR_P)
    notes = np.empty(n, dtype=_STR)
    for g, slots in enumerate(_NOTE_ORDERS):
        rows = np.flatnonzero(order == g)
        if rows.size:
            notes[rows] = _join_nonempty([parts[k][rows] for k in slots], sep[rows])
    generic = np.flatnonzero(rng.random(n) < 0.08)
    notes[generic] = _choice(rng, _ASSET_GENERIC_NOTES, generic.size)
    notes = _truncate(rng, notes, 0.04)
    notes = _apply_case(rng, notes, upper=0.15, lower=0.15, title=0.05)
    notes = _apply_typos(rng, notes, 0.15, second_rate=0.35)

    # Location: building + room, the room usually typical of the system.
    building = _choice(rng, _BUILDINGS, n)
    typical = rng.random(n) < 0.55
    room_name = _choice(rng, _GENERAL_ROOMS, n)
    rows = np.flatnonzero(typical)
    room_name[rows] = t.system_rooms.pick(rng, t.system_of[kind[rows]])
    location = _join_nonempty([building, room_name], _choice(rng, [" - ", " / ", ", ", " "], n))
    location = _apply_case(rng, location, upper=0.08, lower=0.08)

    year = np.floor(2024.0 - 49.0 * rng.random(n) ** 1.6)
    year[rng.random(n) < 0.1] = np.nan

    missing_make = rng.random(n) < 0.1
    missing_notes = rng.random(n) < 0.04
    missing_location = rng.random(n) < 0.06

    return pd.DataFrame(
        {
            "Asset Label": _to_series(label),
            "Make": _to_series(make, missing_make),
            "Notes": _to_series(notes, missing_notes),
            "Location": _to_series(location, missing_location),
            "Install Year": pd.array(year, dtype="Int64"),
            "Capacity": pd.Series(capacity, dtype="float64"),
            "Asset Type": _lookup_series(t.type_names, kind),
            "System": _lookup_series(t.systems, kind),
            "Trade Group": _lookup_series(t.trades, kind),
        },
        columns=list(ASSET_REGISTER_COLUMNS),
    )
