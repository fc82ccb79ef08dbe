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

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd
from numpy.dtypes import StringDType

__all__ = [
    "ASSET_REGISTER_COLUMNS",
    "ASSET_TYPES",
    "AssetType",
    "CATEGORIES",
    "CATEGORY_BY_NAME",
    "EquipmentCategory",
    "INVENTORY_COLUMNS",
    "MASTERFORMAT_TITLES",
    "UNIFORMAT_TITLES",
    "generate_asset_register",
    "generate_inventory",
    "reference_tables",
    "write_reference_files",
]

_STR = StringDType()
_STR_NA = StringDType(na_object=None)

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
        parsed_makers.append(
            (maker.strip(), tuple(p.strip() for p in prefixes.split("|")))
        )
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
        "Centrifugal Chiller", "23-33 13 13 = Centrifugal Chillers", "D3030",
        "23 64 16", _HVAC, 23, 2.0, "chiller", "CH CHLR CH",
        ["Centrifugal Chiller", "Chiller, Centrifugal", "CHLR centrifugal",
         "Water-Cooled Centrifugal Chiller", "centrif. chiller", "WC CHLR centrif",
         "chiller - centrifugal compressor"],
        ["Trane: CVHE|CVHF|CVHH", "Carrier: 19XR|19DV|19XRV", "York: YK|YZ",
         "Daikin: WSC|WME|WDC", "Smardt: TW|WA"],
        ["tons: 300 400 450 500 600 750 800 1000 1200 1500",
         "gpm: 720 960 1200 1440 1800 2400"],
        ["R-134a", "R-1233zd", "R-514A", "VFD", "water cooled", "magnetic bearing",
         "2-pass evaporator", "4160V", "480V/3ph", "oil-free", "hermetic"],
    ),
    _cat(
        "Air-Cooled Chiller", "23-33 13 16 = Air-Cooled Chillers", "D3030",
        "23 64 23", _HVAC, 20, 3.0, "chiller", "CH ACCH CH",
        ["Air-Cooled Chiller", "Chiller, air cooled", "AC CHLR", "air cooled scroll chiller",
         "A/C Chiller", "packaged air-cooled chiller", "CHLR - air cooled"],
        ["Trane: CGAM|RTAC|ACR", "Carrier: 30RB|30XA|30RC", "York: YLAA|YVAA|YCAL",
         "Daikin: AGZ|AWV|AWS", "Aermec: NRB|NRG"],
        ["tons: 40 60 80 100 120 150 200 250 300 350",
         "gpm: 96 144 192 240 360 480"],
        ["scroll compressors", "screw compressor", "R-410A", "R-32", "R-134a",
         "low ambient kit", "microchannel coil", "VFD", "480V/3ph", "sound attenuation"],
    ),
    _cat(
        "Screw Chiller", "23-33 13 19 = Rotary Screw Chillers", "D3030",
        "23 64 26", _HVAC, 23, 1.0, "chiller", "CH CHLR",
        ["Screw Chiller", "Rotary Screw Chiller", "water cooled screw chiller",
         "CHLR screw", "Chiller - Screw", "WC screw CHLR"],
        ["Trane: RTHD|RTWD|RTHF", "Carrier: 23XRV|30XW", "Daikin: WGS|PFS|WGZ",
         "York: YS|YVWA"],
        ["tons: 150 200 250 300 400 500",
         "gpm: 360 480 600 720 960"],
        ["R-134a", "R-513A", "VFD", "water cooled", "2-pass evaporator",
         "480V/3ph", "hermetic", "semi-hermetic"],
    ),
    _cat(
        "Cooling Tower", "23-33 13 23 = Cooling Towers", "D3030",
        "23 65 00", _HVAC, 20, 2.0, "tower", "CT CT",
        ["Cooling Tower", "CT", "Induced Draft Cooling Tower", "Tower, cooling",
         "open cooling tower", "crossflow cooling tower", "counterflow tower", "CLG TWR"],
        ["Baltimore Aircoil: S3E|PT2|VTL|S1500", "Evapco: AT|ESWA|UAT|LSTE",
         "Marley: NC|MD|AV", "Tower Tech: TTXL|TTXR"],
        ["tons: 150 250 300 500 750 1000 1500",
         "gpm: 450 900 1200 1500 2400 3000"],
        ["VFD fan", "basin heater", "stainless steel basin", "2-cell", "single cell",
         "sump sweeper", "condenser water", "vibration switch"],
    ),
    _cat(
        "Boiler (hot water)", "23-33 11 13 = Hot Water Boilers", "D3020",
        "23 52 16", _HVAC, 25, 3.0, "boiler", "B BLR HWB",
        ["Hot Water Boiler", "Boiler, HW", "HW BLR", "condensing boiler",
         "Boiler - Hot Water", "gas fired HW boiler", "Boiler (hot water)", "HHW boiler"],
        ["Lochinvar: FBN|KBN|CREST|KNIGHT", "Aerco: BMK|Benchmark", "Cleaver-Brooks: CFC|ClearFire|CFW",
         "Viessmann: Vitocrossal|CT3", "Fulton: EDR|VTG|PHW", "Patterson-Kelley: SC|NHX"],
        ["mbh: 500 750 1000 1500 2000 3000 4000 6000",
         "hp: 30 50 100 150"],
        ["natural gas", "condensing", "dual fuel", "10:1 turndown", "low NOx",
         "sealed combustion", "heating hot water", "ASME", "stainless HX"],
    ),
    _cat(
        "Steam Boiler", "23-33 11 16 = Steam Boilers", "D3020",
        "23 52 39", _HVAC, 30, 1.0, "boiler", "B BLR SB",
        ["Steam Boiler", "Boiler, steam", "LP steam boiler", "fire tube steam boiler",
         "STM BLR", "Boiler - Steam (low pressure)", "HP steam boiler"],
        ["Cleaver-Brooks: CBEX|CB|CBLE", "Fulton: FB|ICS|VMP", "Burnham: 4FW|3W",
         "Miura: LX|EX", "Johnston: PFTA|PFTX"],
        ["hp: 50 100 150 200 300 500",
         "mbh: 1675 3350 5000 6700"],
        ["15 psig", "150 psig", "fire-tube", "water-tube", "dual fuel", "#2 oil backup",
         "natural gas", "low NOx", "ASME", "condensate return"],
    ),
    _cat(
        "Air Handling Unit", "23-33 21 11 = Air Handling Units", "D3040",
        "23 73 13", _HVAC, 20, 5.0, "airunit", "AHU AHU AH",
        ["Air Handling Unit", "AHU", "Air Handler", "Indoor AHU", "modular air handler",
         "central station AHU", "AHU - VAV", "air handling unit, indoor"],
        ["Trane: CSAA|UCCA|M-Series", "Carrier: 39M|39L|AERO", "Daikin: CAH|Vision",
         "York: XTI|Solution|YPAL", "Huntair: FanWall|HUN", "Temtrol: ILP|TMP"],
        ["cfm: 2000 5000 8000 10000 12000 15000 20000 30000 40000",
         "hp: 5 7.5 10 15 20 25 30 40"],
        ["chilled water coil", "hot water coil", "DX coil", "MERV 13 filters", "economizer",
         "VFD supply fan", "fan array", "return fan", "UV lights", "double wall", "480V/3ph"],
    ),
    _cat(
        "Rooftop Unit", "23-33 21 13 = Packaged Rooftop Units", "D3050",
        "23 74 13", _HVAC, 15, 6.0, "airunit", "RTU RTU AC",
        ["Rooftop Unit", "RTU", "Packaged Rooftop Unit", "Roof Top Unit", "packaged RTU",
         "Rooftop AC unit", "RTU - gas/electric", "packaged unit, rooftop"],
        ["Trane: YSC|YHC|THC|Voyager", "Carrier: 48TC|50TC|48FC|50FC", "Lennox: KGA|LGH|KCA",
         "York: ZF|ZJ|XP", "Daikin: DPS|RPS", "Aaon: RN|RQ|RM"],
        ["tons: 3 5 7.5 10 12.5 15 20 25 30 40 50",
         "cfm: 1200 2000 3000 4000 6000 8000 12000"],
        ["gas heat", "economizer", "DX cooling", "electric heat", "R-410A", "curb adapter",
         "MERV 8 filters", "hot gas reheat", "VFD supply fan", "208V/3ph"],
    ),
    _cat(
        "Energy Recovery Unit", "23-33 21 17 = Energy Recovery Units", "D3040",
        "23 72 00", _HVAC, 15, 2.0, "airunit", "ERU ERV DOAS",
        ["Energy Recovery Unit", "ERV", "Energy Recovery Ventilator", "DOAS",
         "heat recovery unit", "ERU", "Dedicated Outdoor Air Unit"],
        ["Greenheck: ERV|ERVe|ECV", "RenewAire: HE|EV|LE", "Semco: FV|GT", "Aaon: RN|RQ",
         "Trane: ERV|Horizon"],
        ["cfm: 500 1000 2000 3000 4000 6000 8000 12000",
         "hp: 1 2 3 5 7.5"],
        ["enthalpy wheel", "plate core", "MERV 13 filters", "economizer", "DX coil",
         "gas heat", "100% outside air", "VFD supply fan"],
    ),
    _cat(
        "Computer Room AC Unit", "23-33 21 19 = Computer Room Air Conditioners", "D3050",
        "23 81 23", _HVAC, 15, 1.0, "airunit", "CRAC CRAH AC",
        ["Computer Room AC", "CRAC", "CRAC Unit", "precision cooling unit",
         "computer room air conditioner", "CRAH", "data room AC unit"],
        ["Liebert: DS|PDX|CW|DSE", "Stulz: CyberAir|CCD|CCU", "Data Aire: DAP|gForce",
         "Schneider Electric: Uniflair|InRow|ACRD"],
        ["tons: 5 8 10 15 20 30",
         "cfm: 2400 4000 6000 9000 12000"],
        ["downflow", "upflow", "humidifier", "EC fans", "glycol", "DX", "chilled water",
         "data center", "reheat"],
    ),
    _cat(
        "Ductless Split System", "23-33 21 21 = Split System Air Conditioners", "D3050",
        "23 81 26", _HVAC, 15, 4.0, "airunit", "DSS AC CU HP",
        ["Ductless Split System", "Mini-Split", "Split System AC", "DSS",
         "ductless mini split", "split system heat pump", "wall mount split unit",
         "VRF indoor unit"],
        ["Mitsubishi Electric: PKA|MSZ|PUY|PUZ|PLA", "Daikin: FTXS|RXS|FXAQ",
         "LG: LSN|ARNU|LSU", "Fujitsu: ASU|AOU", "Samsung: AR|AC", "Carrier: 40MAQ|38MAQ"],
        ["tons: 0.75 1 1.5 2 3 4 5",
         "btuh: 9000 12000 18000 24000 36000"],
        ["heat pump", "inverter", "wall mounted", "ceiling cassette", "R-410A",
         "condensate pump", "IT room", "208V/1ph"],
    ),
    _cat(
        "Fan Coil Unit", "23-33 25 11 = Fan Coil Units", "D3050",
        "23 82 19", _HVAC, 20, 5.0, "terminal", "FCU FC FCU",
        ["Fan Coil Unit", "FCU", "Fan Coil", "horizontal fan coil", "vertical FCU",
         "ceiling FCU", "4-pipe fan coil", "fan coil, concealed"],
        ["Enviro-Tec: HP|VHP|HFCA", "Carrier: 42B|42C|42V", "Trane: FCD|FCB|BCHC",
         "International Environmental: HWJ|VWJ", "Daikin: FCHC|FCV", "Williams: FC|PC"],
        ["cfm: 200 300 400 600 800 1000 1200",
         "hp: 0.25 0.33 0.5 0.75"],
        ["2-pipe", "4-pipe", "ECM motor", "CHW/HW coil", "ducted", "concealed",
         "exposed cabinet", "condensate pump", "MERV 8 filters"],
    ),
    _cat(
        "VAV Box", "23-33 25 13 = Variable Air Volume Terminal Units", "D3040",
        "23 36 00", _AIR, 20, 10.0, "terminal", "VAV VAV TU",
        ["VAV Box", "VAV", "Variable Air Volume Terminal", "VAV terminal unit",
         "VAV w/ reheat", "single duct VAV", "terminal unit, VAV", "fan powered VAV"],
        ["Titus: DESV|DTQS|ESV", "Price: SDV|SDR|FDC", "Nailor: 3001|D30RW|35S",
         "Trane: VCCF|VCEF|VSCF", "Krueger: LMHS|KQFS", "Enviro-Tec: SDR|VFR"],
        ["in: 6 8 10 12 14 16",
         "cfm: 200 400 600 800 1200 1600 2000"],
        ["HW reheat", "electric reheat", "DDC controls", "pressure independent",
         "fan powered", "no reheat", "ECM motor", "cooling only"],
    ),
    _cat(
        "Exhaust Fan", "23-33 27 13 = Exhaust Fans", "D3040",
        "23 34 23", _AIR, 20, 7.0, "fan", "EF GEF KEF TEF",
        ["Exhaust Fan", "EF", "Roof Exhaust Fan", "Exhaust Fan, Inline", "upblast exhaust fan",
         "ceiling exhaust fan", "Power Roof Ventilator", "toilet exhaust fan"],
        ["Greenheck: CUE|SQ|G|CUBE|SP", "Loren Cook: ACE|ACRU|SQN-B|GC",
         "PennBarry: Domex|Fumex|Zephyr", "Twin City Fan: BCRD|TCBRU", "Acme: PDU|PNU",
         "Carnes: VUBK|VEBK"],
        ["cfm: 150 300 500 800 1200 2000 4000 8000",
         "hp: 0.25 0.5 1 1.5 2 3 5"],
        ["direct drive", "belt drive", "ECM motor", "roof curb", "backdraft damper",
         "kitchen grease rated", "upblast", "115V/1ph", "VFD", "speed controller"],
    ),
    _cat(
        "Unit Heater", "23-33 11 23 = Unit Heaters", "D3050",
        "23 82 39", _HVAC, 15, 3.0, "heater", "UH CUH UH",
        ["Unit Heater", "UH", "Hot water unit heater", "Gas-fired unit heater",
         "electric unit heater", "cabinet unit heater", "horizontal UH", "unit htr"],
        ["Modine: HD|PDP|HSB|PTC", "Reznor: UDAP|UDX|UEZ", "Sterling: HS|QVF|GG",
         "Trane: UHSA|UHXB", "Berko: HUH|FUH", "Markel: F3400|3310"],
        ["mbh: 30 45 60 75 100 150 200 250",
         "kw: 3 5 7.5 10 15"],
        ["propeller fan", "natural gas", "HW coil", "steam coil", "480V/3ph", "thermostat",
         "ceiling hung", "vertical discharge"],
    ),
    _cat(
        "Heat Exchanger", "23-33 11 31 = Heat Exchangers", "D3040",
        "23 57 00", _HYD, 24, 2.0, "hx", "HX HE HX",
        ["Heat Exchanger", "HX", "Plate Heat Exchanger", "plate & frame HX",
         "shell and tube heat exchanger", "brazed plate HX", "Heat Exch.", "plate-and-frame"],
        ["Alfa Laval: M10|T20|CB|AQ", "Bell & Gossett: GPX|SU|BP", "Armstrong: APX|STX",
         "Tranter: GX|UFX", "SWEP: B10|B25"],
        ["gpm: 50 100 200 400 800 1200",
         "mbh: 500 1000 2000 4000"],
        ["steam to HW", "water to water", "CHW", "316 SS plates", "double wall",
         "free cooling", "HHW", "ASME"],
    ),
    _cat(
        "Centrifugal Pump", "23-33 41 13 = End Suction Centrifugal Pumps", "D3040",
        "23 21 23", _HYD, 20, 6.0, "pump", "P CHWP HWP CWP",
        ["Centrifugal Pump", "End Suction Pump", "Base Mounted Pump", "Pump, end suction",
         "split case pump", "CHW pump", "HW pump", "CW pump", "Pump - base mtd",
         "centrifugal pump, base mounted"],
        ["Bell & Gossett: e-1510|1510|VSX|e-HSC", "Armstrong: 4030|4300|4600",
         "Taco: FI|KS|TA|CI", "Grundfos: NBG|NK|NKE", "Aurora: 3800|410|344",
         "Paco: KP|LC|KPV"],
        ["hp: 5 7.5 10 15 20 25 30 40 50 75 100",
         "gpm: 100 250 400 600 800 1200 1500 2000"],
        ["VFD", "premium efficiency motor", "1750 RPM", "3500 RPM", "flexible coupling",
         "suction diffuser", "TEFC", "ODP", "chilled water", "condenser water"],
    ),
    _cat(
        "Inline Pump", "23-33 41 16 = Inline Centrifugal Pumps", "D3040",
        "23 21 23", _HYD, 15, 4.0, "pump", "P CP HWP RCP",
        ["Inline Pump", "In-Line Pump", "Vertical Inline Pump", "circulator", "Pump, inline",
         "close coupled inline pump", "inline circ pump", "HW circ pump", "vertical in-line"],
        ["Bell & Gossett: e-90|e-80|Series 60|PL", "Armstrong: 4380|4360|E.19",
         "Taco: KV|0010|1900", "Grundfos: TP|Magna3|UPS|TPE", "Wilo: Stratos|IPL"],
        ["hp: 0.5 1 1.5 2 3 5 7.5 10 15",
         "gpm: 10 20 50 100 200 400"],
        ["VFD", "ECM motor", "1750 RPM", "3500 RPM", "TEFC", "sensorless", "chilled water",
         "heating hot water", "glycol"],
    ),
    _cat(
        "Smoke Damper", "23-33 29 19 = Smoke Dampers", "D3040",
        "23 33 13", _AIR, 20, 4.0, "damper", "SD FSD FSD",
        ["Smoke Damper", "Combination Fire/Smoke Damper", "FSD", "Fire Smoke Damper", "SD",
         "combo fire smoke damper", "Motorized Smoke Damper", "damper, smoke"],
        ["Ruskin: SD60|FSD60|FSD36|SD50", "Greenheck: SMD|FSD-211|SSFD", "Pottorff: FSD-142|FSD-352",
         "Nailor: 1220|0720", "Prefco: 5600|5800"],
        ["dim: 12x12 18x12 24x24 24x18 36x24 48x24 30x30"],
        ["120V actuator", "24V actuator", "UL 555S", "Class I leakage", "fusible link",
         "end switches", "1-1/2 hr rated", "duct mounted"],
    ),
    _cat(
        "Building Automation Controller", "23-33 61 13 = Building Automation Controllers", "D3060",
        "23 09 23", _CTRL, 15, 3.0, "controls", "BAS DDC NC CP",
        ["DDC Controller", "BAS Controller", "Building Automation Controller", "BMS Panel",
         "Controls Panel", "network controller", "JACE", "field controller"],
        ["Johnson Controls: FX-PCG|FX-PCV|NAE", "Siemens: PXC|Desigo|PXCM",
         "Honeywell: Spyder|WEB-8000|CIPer", "Distech Controls: ECY|ECB",
         "Alerton: VLX|VLCP", "Trane: SC+|UC600|Tracer", "Automated Logic: OptiFlex|G5RE"],
        ["points: 16 32 48 64 128 256"],
        ["BACnet MS/TP", "BACnet/IP", "24VAC", "serving AHU", "LON", "Niagara",
         "plant controller", "enclosure"],
    ),
    # ------------------------------------------------------------- Plumbing
    _cat(
        "Domestic Water Heater", "23-31 25 13 = Domestic Water Heaters", "D2020",
        "22 34 00", _PLB, 12, 4.0, "heater", "WH DWH EWH GWH",
        ["Domestic Water Heater", "Water Heater", "DWH", "Gas Water Heater",
         "Electric Water Heater", "storage water heater", "tankless water heater", "HWH"],
        ["A.O. Smith: BTH|DRE|BTR|Cyclone", "Rheem: G100|ELD|GHE", "Bradford White: EF|LE|DS",
         "PVI: Conquest|Turbopower", "Lochinvar: Armor|ATH|SHN", "State: SBD|SUF"],
        ["gal: 40 50 80 100 119",
         "mbh: 100 199 300 500",
         ],
        ["natural gas", "electric", "condensing", "recirc pump", "mixing valve", "ASME",
         "sealed combustion", "domestic hot water", "storage tank"],
    ),
    _cat(
        "Backflow Preventer", "23-31 21 13 = Backflow Preventers", "D2020",
        "22 11 19", _PLB, 20, 3.0, "valve", "BFP BP RPZ",
        ["Backflow Preventer", "RPZ", "RP Backflow Preventer", "Reduced Pressure Zone Assembly",
         "Double Check Valve Assembly", "DCVA", "BFP", "backflow device"],
        ["Watts: 909|LF909|007|957", "Wilkins: 375|975XL|350", "Febco: 825Y|850|860",
         "Ames: 4000SS|2000SS", "Apollo: RPLF4A|DCLF4A"],
        ["in: 0.75 1 1.5 2 3 4 6 8"],
        ["lead free", "air gap", "test cocks", "domestic water", "fire line", "irrigation",
         "OS&Y gate valves", "strainer"],
    ),
    _cat(
        "Domestic Water Booster Pump", "23-31 21 19 = Domestic Water Booster Pumps", "D2020",
        "22 11 23", _PLB, 15, 1.5, "pump", "BP DWBP P",
        ["Domestic Water Booster Pump", "Booster Pump System", "Booster Pump",
         "packaged booster system", "DW booster", "triplex booster pump"],
        ["Grundfos: Hydro MPC|Hydro Multi-E|CR", "Bell & Gossett: Technologic|e-SV",
         "SyncroFlo: Eclipse|FC", "Armstrong: DE|4300", "Xylem: AquaBoost|e-SV"],
        ["hp: 3 5 7.5 10 15 20 25",
         "gpm: 50 100 200 300 500"],
        ["triplex", "duplex", "VFD", "PRV", "hydropneumatic tank", "domestic water",
         "NSF 61", "multistage"],
    ),
    _cat(
        "Water Softener", "23-31 25 23 = Water Softeners", "D2020",
        "22 31 00", _PLB, 15, 1.0, "plumbing", "WS SOFT",
        ["Water Softener", "Softener", "duplex water softener", "WS", "Softener system",
         "water conditioning - softener"],
        ["Culligan: HE|CSM|Hi-Flo", "Kinetico: CP|Mach", "Pentair: Fleck 9100|2850",
         "Marlo: MGT|MX", "EcoWater: ERR|ESM"],
        ["grain: 30000 60000 90000 120000 210000 300000",
         "gpm: 20 40 80"],
        ["duplex", "twin alternating", "brine tank", "metered regen", "salt",
         "hardness 25 gpg", "domestic water"],
    ),
    _cat(
        "Sump Pump", "23-31 23 13 = Sump Pumps", "D2030",
        "22 14 29", _PLB, 10, 3.0, "pump", "SP SMP P",
        ["Sump Pump", "Submersible Sump Pump", "duplex sump pump", "Pump, sump",
         "elevator pit sump pump", "SP", "sump pump system"],
        ["Zoeller: M53|N137|4100|6100", "Liberty Pumps: FL|LE|287", "Weil: 1400|2500",
         "Stancor: SE|SL", "Goulds: WE|LSP", "Hydromatic: SK|OS"],
        ["hp: 0.33 0.5 0.75 1 1.5 2 3",
         "gpm: 30 50 80 100 150"],
        ["duplex", "simplex", "float switch", "alarm panel", "oil minder", "cast iron",
         "115V/1ph", "submersible", "basin"],
    ),
    _cat(
        "Sewage Ejector", "23-31 23 16 = Sewage Ejectors", "D2030",
        "22 13 29", _PLB, 15, 1.5, "pump", "SE EP P",
        ["Sewage Ejector", "Sewage Ejector Pump", "Ejector Pump", "duplex sewage ejector",
         "grinder pump", "Sewage Pump", "SE"],
        ["Zoeller: M267|4000|M6290", "Liberty Pumps: LSG|ProVore", "Hydromatic: SPG|HPG",
         "Goulds: WS|PSG", "Weil: 2500|2508", "Barnes: SGV|SH"],
        ["hp: 0.5 1 2 3 5 7.5",
         "gpm: 50 100 150 200"],
        ["duplex", "simplex", "2in solids", "basin", "alarm panel", "grinder",
         "float switch", "230V/1ph", "submersible"],
    ),
    # ----------------------------------------------------------- Electrical
    _cat(
        "Switchboard", "23-35 31 13 = Switchboards", "D5010",
        "26 24 13", _ELE, 30, 2.0, "panel", "MSB SWBD DSB",
        ["Switchboard", "Main Switchboard", "MSB", "SWBD", "Distribution Switchboard",
         "Main Distribution Switchboard", "Service Entrance Switchboard"],
        ["Square D: QED-2|Power-Style QED|QED-6", "Eaton: Pow-R-Line C|PRL-C|PRLC",
         "Siemens: SB1|SB3|RCS", "GE: Spectra|AKD|ReliaGear"],
        ["amps: 800 1200 1600 2000 2500 3000 4000"],
        ["480Y/277V", "208Y/120V", "3PH 4W", "main breaker", "service entrance rated",
         "65kAIC", "metering", "copper bus", "NEMA 1"],
    ),
    _cat(
        "Panelboard", "23-35 31 16 = Panelboards", "D5010",
        "26 24 16", _ELE, 25, 9.0, "panel", "LP PP DP PNL HA LA",
        ["Panelboard", "Panel", "Lighting Panel", "Power Panel", "Distribution Panel",
         "LP", "PP", "branch circuit panelboard", "Panel Board"],
        ["Square D: NQ|NF|I-Line", "Eaton: PRL1a|PRL4|Pow-R-Line", "Siemens: P1|P4|S4",
         "GE: AQ|AE|A-Series"],
        ["amps: 100 125 225 400 600 800",
         "ckt: 24 30 42 54 84"],
        ["480Y/277V", "208Y/120V", "MLO", "main breaker", "surface mount", "flush mount",
         "3PH 4W", "copper bus", "NEMA 1", "feed-thru lugs"],
    ),
    _cat(
        "Transformer", "23-35 21 13 = Dry-Type Transformers", "D5010",
        "26 22 13", _ELE, 30, 4.0, "power", "T TX XFMR",
        ["Transformer", "Dry Type Transformer", "XFMR", "TX", "Step Down Transformer",
         "Transformer, dry-type", "K-rated transformer"],
        ["Square D: EE|EXN|Watchdog", "Eaton: V48M|DT-3|EP", "Siemens: 3F3Y|EE",
         "Hammond: HPS|SG|NMK", "Acme Electric: T-|TF", "Jefferson Electric: 423|411"],
        ["kva: 15 30 45 75 112.5 150 225 300 500"],
        ["480-208Y/120V", "delta-wye", "K-13", "NEMA 1", "copper windings",
         "aluminum windings", "TP-1", "3PH", "floor mounted"],
    ),
    _cat(
        "Motor Control Center", "23-35 33 13 = Motor Control Centers", "D5010",
        "26 24 19", _ELE, 25, 1.5, "panel", "MCC",
        ["Motor Control Center", "MCC", "Motor Ctrl Center", "MCC lineup",
         "intelligent MCC", "motor control centre"],
        ["Eaton: Freedom 2100|F2100|IT", "Square D: Model 6|M6", "Allen-Bradley: CENTERLINE 2100|2500",
         "Siemens: tiastar|TIA", "ABB: MNS|MNS-iS"],
        ["amps: 400 600 800 1200 1600 2000"],
        ["480V", "NEMA 1", "NEMA 12", "combination starters", "VFD buckets", "main breaker",
         "65kAIC", "3PH", "copper bus"],
    ),
    _cat(
        "Variable Frequency Drive", "23-35 33 16 = Variable Frequency Drives", "D3060",
        "26 29 23", _ELE, 15, 5.0, "drive", "VFD VFD VSD",
        ["Variable Frequency Drive", "VFD", "Variable Speed Drive", "VSD", "AC Drive",
         "Adjustable Frequency Drive", "AFD", "drive, VFD"],
        ["ABB: ACH580|ACH550|ACS880", "Danfoss: VLT FC102|FC 102|FC-102",
         "Yaskawa: Z1000|P1000|iQpump", "Eaton: SVX|H-Max|DG1", "Square D: ATV630|Altivar|ATV212",
         "Siemens: G120|SED2"],
        ["hp: 3 5 7.5 10 15 20 25 30 40 50 75 100 150"],
        ["480V", "NEMA 1", "NEMA 12", "bypass", "BACnet", "line reactor", "serving AHU",
         "serving pump", "for exhaust fan", "3PH"],
    ),
    _cat(
        "Generator", "23-35 41 13 = Engine Generators", "D5090",
        "26 32 13", _ELE, 25, 2.0, "power", "GEN EG G",
        ["Generator", "Emergency Generator", "Diesel Generator", "Standby Generator", "GEN",
         "Genset", "natural gas generator", "Engine Generator"],
        ["Caterpillar: C15|C18|C32|3512", "Cummins: DQKAB|C500|QSK|DQDAA",
         "Generac: SD|MD|MG", "Kohler: KD|REZX|KG", "MTU: DS|16V"],
        ["kw: 60 100 150 250 350 500 750 1000 1500 2000",
         "kva: 75 125 188 313 438 625"],
        ["diesel", "natural gas", "sound attenuated enclosure", "sub-base fuel tank", "480V",
         "24hr tank", "block heater", "weatherproof enclosure", "3PH 4W"],
    ),
    _cat(
        "Automatic Transfer Switch", "23-35 41 16 = Automatic Transfer Switches", "D5090",
        "26 36 23", _ELE, 25, 3.0, "power", "ATS",
        ["Automatic Transfer Switch", "ATS", "Transfer Switch", "ATS - emergency",
         "bypass isolation ATS", "Transfer Sw.", "auto transfer switch"],
        ["ASCO: 300|7000|4000", "Russelectric: RTS|RMTD", "Cummins: OTEC|BTPC",
         "Generac: GTS|HTS", "Kohler: KCS|KEP", "Zenith: ZTS|ZTX"],
        ["amps: 100 150 260 400 600 800 1200 2000"],
        ["3-pole", "4-pole", "open transition", "closed transition", "bypass isolation",
         "480V", "service entrance rated", "life safety branch", "NEMA 1"],
    ),
    _cat(
        "Uninterruptible Power Supply", "23-35 41 19 = Uninterruptible Power Supplies", "D5090",
        "26 33 53", _ELE, 15, 1.5, "power", "UPS",
        ["Uninterruptible Power Supply", "UPS", "UPS System", "static UPS", "online UPS",
         "UPS module"],
        ["Eaton: 9395|93PM|9PX", "Schneider Electric: Galaxy VS|Symmetra|SMX",
         "Vertiv: Liebert EXL|NXL|GXT", "Mitsubishi Electric: 9900|1100", "Toshiba: G9000|4400"],
        ["kva: 10 20 40 80 100 160 225 500",
         "kw: 8 16 36 72 90"],
        ["double conversion", "VRLA batteries", "lithium-ion", "maintenance bypass",
         "15 min runtime", "N+1", "480V", "3PH"],
    ),
    _cat(
        "Lighting Control Panel", "23-35 51 13 = Lighting Control Panels", "D5020",
        "26 09 43", _CTRL, 20, 2.0, "controls", "LCP LRP",
        ["Lighting Control Panel", "LCP", "Lighting Relay Panel", "Lighting Controls Panel",
         "relay panel, lighting", "Lighting Contactor Panel"],
        ["Acuity Controls: nLight|nECY|LP", "Lutron: GRAFIK|Quantum|LP", "Wattstopper: LMCP|LMRH",
         "Hubbell Control Solutions: LX|NX", "Crestron: GLPP|DIN"],
        ["relay: 8 16 24 32 48"],
        ["277V", "120V", "BACnet", "astronomical timeclock", "emergency relays",
         "low voltage switching", "NEMA 1", "surface mount"],
    ),
    # ------------------------------------------------------ Fire protection
    _cat(
        "Fire Pump", "23-29 21 13 = Fire Pumps", "D4020",
        "21 31 13", _FIRE, 30, 1.0, "pump", "FP P",
        ["Fire Pump", "Electric Fire Pump", "Diesel Fire Pump", "Horizontal Split Case Fire Pump",
         "Fire Pump, vertical inline", "FP", "UL listed fire pump"],
        ["Aurora: 481|483|FP", "Peerless: AEF|8AEF|TUT", "Patterson: HSC|VIL",
         "Armstrong: 4600F|4700F", "A-C Fire Pump: 8100|9100", "Fairbanks Morse: 1824F|1800"],
        ["gpm: 500 750 1000 1500 2000 2500",
         "hp: 30 50 75 100 125 150 200"],
        ["UL/FM", "NFPA 20", "controller", "diesel driver", "electric driver", "split case",
         "1770 RPM", "3500 RPM", "VFD", "fire protection"],
    ),
    _cat(
        "Jockey Pump", "23-29 21 16 = Jockey Pumps", "D4020",
        "21 33 00", _FIRE, 20, 1.0, "pump", "JP P",
        ["Jockey Pump", "Pressure Maintenance Pump", "JP", "Jockey Pump (fire)",
         "fire protection jockey pump", "PMP"],
        ["Grundfos: CR|CRN", "Aurora: PVM|JP", "Goulds: e-SV|3SV", "Peerless: JP|PVM",
         "Armstrong: 4380|MS", "Patterson: VIL|JP"],
        ["hp: 1 2 3 5 7.5 10",
         "gpm: 5 10 15 20 30"],
        ["multistage", "NFPA 20", "controller", "vertical inline", "3500 RPM",
         "fire protection", "TEFC"],
    ),
    _cat(
        "Sprinkler Riser / Alarm Valve", "23-29 13 13 = Sprinkler Alarm Valves", "D4010",
        "21 13 13", _FIRE, 40, 4.0, "valve", "FSR SR AV",
        ["Sprinkler Riser", "Alarm Valve", "Wet Alarm Valve", "Alarm Check Valve",
         "Sprinkler Riser / Alarm Valve", "Fire Riser", "Dry Pipe Valve", "Preaction Valve"],
        ["Viking: J-1|F-1|VK", "Tyco: AV-1|DPV-1|AV-1-300", "Victaulic: 751|768|Series 751",
         "Reliable: E|DDX|EX", "Globe: GL|GLV"],
        ["in: 2 2.5 3 4 6 8"],
        ["wet system", "dry system", "trim kit", "OS&Y valve", "tamper switch", "flow switch",
         "FDC", "pressure gauges", "fire line"],
    ),
    _cat(
        "Fire Alarm Control Panel", "23-29 61 13 = Fire Alarm Control Panels", "D5030",
        "28 46 21", _FIRE, 15, 2.0, "controls", "FACP FAP",
        ["Fire Alarm Control Panel", "FACP", "Fire Alarm Panel", "FA Panel",
         "Addressable Fire Alarm Panel", "Fire Alarm Control Unit", "FACU"],
        ["Notifier: NFS2-3030|NFS-320|NFS2-640", "Simplex: 4100ES|4010ES|4007ES",
         "Edwards: EST3|iO1000|EST4", "Siemens: FC2025|Cerberus PRO|FC922",
         "Silent Knight: 6820|6808", "Fire-Lite: ES-200X|MS-9200"],
        ["points: 250 500 636 1000 3000"],
        ["addressable", "voice evac", "24VDC", "batteries", "NAC extender", "BACnet",
         "remote annunciator", "enclosure", "120V"],
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
    "Level 2", "Mech Room", "Roof", "Penthouse", "Basement", "serving East wing",
    "Bldg A", "new", "existing", "replaced 2015", "N. side", "Zone 4", "Level 1 mech rm",
    "mezzanine", "per M-601", "see schedule", "tenant fit-out", "Phase 2", "B1",
    "Elec Room 105", "Roof - North", "Plant room", "Area C", "retrofit 2019",
)

_FAMILY_GENERIC: dict[str, tuple[str, ...]] = {
    "pump": ("pump, see drawings", "pump per schedule", "PUMP", "pump - existing",
             "pump & motor", "pump assembly", "Pump"),
    "chiller": ("chiller per schedule", "CHLR", "chiller, see drawings", "chiller - existing"),
    "tower": ("tower per schedule", "heat rejection equipment", "CT - see drawings"),
    "boiler": ("boiler per schedule", "BLR", "boiler, see drawings", "heating plant equipment"),
    "airunit": ("unit per schedule", "unit, see drawings", "HVAC unit", "AC unit",
                "mechanical unit", "unit - existing", "packaged unit"),
    "terminal": ("terminal unit", "unit per schedule", "zone unit, see drawings", "box"),
    "fan": ("fan per schedule", "fan, see drawings", "FAN", "fan - existing"),
    "heater": ("heater per schedule", "heater, see drawings", "heater", "HTR"),
    "hx": ("HX per schedule", "exchanger, see drawings"),
    "damper": ("damper per schedule", "damper", "DMPR - see plans"),
    "valve": ("valve assembly", "valve, see drawings", "assembly per schedule"),
    "plumbing": ("plumbing equipment", "see plumbing schedule", "water treatment equipment"),
    "panel": ("panel, see drawings", "electrical panel", "panel per schedule",
              "elec. distribution equipment", "PNL"),
    "power": ("electrical equipment", "power equipment, see E-drawings", "emergency power equipment"),
    "drive": ("drive", "motor controller", "starter / drive per schedule"),
    "controls": ("control panel", "controls, see drawings", "panel", "control enclosure"),
}

_GLOBAL_GENERIC: tuple[str, ...] = (
    "equipment per schedule", "see drawings", "existing equipment", "misc. equipment",
    "refer to schedule", "TBD", "equipment - see spec", "as per plans", "unit per schedule",
    "see equipment schedule", "spare", "equipment",
)


# ---------------------------------------------------------------------------
# Vectorized helpers
# ---------------------------------------------------------------------------


class _Pool:
    """Ragged groups of strings, sampled per row with array operations."""

    def __init__(self, groups: Sequence[Sequence[str]]):
        counts = np.array([len(g) for g in groups], dtype=np.int64)
        self.counts = counts
        self.offsets = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)
        flat = [s for g in groups for s in g]
        self.values = np.array(flat if flat else [""], dtype=_STR)

    def index(self, rng: np.random.Generator, group: np.ndarray, skew: float = 1.0) -> np.ndarray:
        u = rng.random(group.shape[0])
        if skew != 1.0:
            u = u**skew
        counts = self.counts[group]
        local = np.minimum((u * counts).astype(np.int64), np.maximum(counts - 1, 0))
        return self.offsets[group] + local

    def pick(self, rng: np.random.Generator, group: np.ndarray, skew: float = 1.0) -> np.ndarray:
        return self.values[self.index(rng, group, skew)]


def _choice(rng: np.random.Generator, options: Sequence[str], n: int,
            p: Sequence[float] | None = None) -> np.ndarray:
    arr = np.array(list(options), dtype=_STR)
    if p is not None:
        probs = np.asarray(p, dtype=float)
        return arr[rng.choice(len(arr), size=n, p=probs / probs.sum())]
    return arr[rng.integers(0, len(arr), size=n)]


def _blank_unless(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
    return np.where(mask, values, "").astype(_STR)


def _join_nonempty(columns: Sequence[np.ndarray], sep: np.ndarray | str) -> np.ndarray:
    """Join string columns row-wise with ``sep``, skipping empty pieces."""
    out = columns[0]
    for col in columns[1:]:
        both = (out != "") & (col != "")
        out = np.where(both, np.strings.add(np.strings.add(out, sep), col),
                       np.strings.add(out, col))
    return out


def _int_str(values: np.ndarray) -> np.ndarray:
    return values.astype(np.int64).astype(_STR)


def _apply_typos(rng: np.random.Generator, text: np.ndarray, rate: float,
                 second_rate: float = 0.25) -> np.ndarray:
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
        typo = np.where(swap, swapped, dropped)
        text[rows] = np.where(ok, typo, sub)
    return text


def _apply_case(rng: np.random.Generator, text: np.ndarray, upper: float, lower: float,
                title: float = 0.0) -> np.ndarray:
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
    arr = values.astype(_STR_NA)
    if missing is not None and missing.any():
        arr[missing] = None
    return pd.Series(arr, dtype="str")


def _tag(rng: np.random.Generator, prefix: np.ndarray) -> np.ndarray:
    n = prefix.shape[0]
    number = _int_str(rng.integers(1, 40, size=n))
    style = rng.random(n)
    number = np.where(style < 0.5, np.strings.zfill(number, 2), number)
    floor = _int_str(rng.integers(1, 9, size=n))
    number = np.where(style > 0.9, np.strings.add(np.strings.add(floor, "-"), np.strings.zfill(number, 2)), number)
    suffix = _choice(rng, ["", "A", "B", "C", "D"], n, p=[0.85, 0.05, 0.05, 0.03, 0.02])
    sep = _choice(rng, ["-", "", " "], n, p=[0.88, 0.08, 0.04])
    return np.strings.add(np.strings.add(np.strings.add(prefix, sep), number), suffix)


def _model_numbers(rng: np.random.Generator, prefix: np.ndarray) -> np.ndarray:
    n = prefix.shape[0]
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

        self.category_names = np.array([c.name for c in categories], dtype=_STR)
        self.omniclass = np.array([c.omniclass_code for c in categories], dtype=_STR)
        self.uniformat = np.array([c.uniformat_code for c in categories], dtype=_STR)
        self.masterformat = np.array([c.masterformat_code for c in categories], dtype=_STR)
        self.mcaa = np.array([c.mcaa_system_category for c in categories], dtype=_STR)
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
    model = _model_numbers(rng, t.prefixes.pick(rng, pair))

    tag = _tag(rng, t.tags.pick(rng, cat, skew=1.4))

    # Description pieces.
    name = t.names.pick(rng, cat)
    sizes = []
    for slot, p_in in ((0, 0.72), (1, 0.33)):
        value = t.size_values[slot].pick(rng, cat)
        unit = t.units.pick(rng, t.size_units[slot][cat])
        keep = t.has_size[slot][cat] & (rng.random(n) < p_in)
        sizes.append(_blank_unless(keep, np.strings.add(value, unit)))
    attr_idx1 = t.attributes.index(rng, cat)
    counts = t.attributes.counts[cat]
    offsets = t.attributes.offsets[cat]
    step = 1 + (rng.random(n) * np.maximum(counts - 1, 1)).astype(np.int64)
    attr_idx2 = offsets + (attr_idx1 - offsets + step) % counts
    attr1 = _blank_unless(rng.random(n) < 0.62, t.attributes.values[attr_idx1])
    attr2 = _blank_unless(rng.random(n) < 0.30, t.attributes.values[attr_idx2])
    context = _blank_unless(rng.random(n) < 0.28, _choice(rng, _CONTEXT_PHRASES, n))
    tag_text = _blank_unless(rng.random(n) < 0.12, tag)
    maker_text = _blank_unless(rng.random(n) < 0.10, t.maker_aliases.pick(rng, maker))

    parts = np.stack([tag_text, name, sizes[0], sizes[1], attr1, attr2, context, maker_text], axis=1)
    order = _ORDERS[rng.choice(len(_ORDERS), size=n, p=_ORDER_P)]
    parts = np.take_along_axis(parts, order, axis=1)
    sep = _choice(rng, _SEPARATORS, n, p=_SEPARATOR_P)
    description = _join_nonempty([parts[:, i] for i in range(parts.shape[1])], sep)

    # Generic, hard-to-classify descriptions.
    generic = rng.random(n) < 0.10
    family_phrase = t.family_generic.pick(rng, t.family_of[cat])
    global_phrase = _choice(rng, _GLOBAL_GENERIC, n)
    phrase = np.where(rng.random(n) < 0.6, family_phrase, global_phrase)
    phrase = np.where(rng.random(n) < 0.3, np.strings.add(np.strings.add(tag, " "), phrase), phrase)
    description = np.where(generic, phrase, description)

    description = _truncate(rng, description, 0.03)
    description = _apply_case(rng, description, upper=0.08, lower=0.05)
    description = _apply_typos(rng, description, 0.08)
    manufacturer = _apply_case(rng, manufacturer, upper=0.06, lower=0.02)

    missing_manufacturer = rng.random(n) < 0.05
    missing_model = rng.random(n) < 0.06
    missing_description = rng.random(n) < 0.004
    service_life = t.service_life[cat].copy()
    service_life[rng.random(n) < 0.03] = np.nan

    return pd.DataFrame(
        {
            "equipment_tag": _to_series(tag),
            "manufacturer": _to_series(manufacturer, missing_manufacturer),
            "model": _to_series(model, missing_model),
            "category_name": _to_series(t.category_names[cat]),
            "omniclass_code": _to_series(t.omniclass[cat]),
            "uniformat_code": _to_series(t.uniformat[cat]),
            "masterformat_code": _to_series(t.masterformat[cat]),
            "mcaa_system_category": _to_series(t.mcaa[cat]),
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
        table.to_csv(path, index=False, encoding="utf-8")
        written.append(path)
    return written
