"""The reviewer's decisions behind the shipped sets, and re-running the resolver with them.

:data:`HAND_DECISIONS` lists, per shipped set, the entries whose members a reviewer decided,
each with its reason; every other entry is taken as the resolver finds it.
:func:`shipped_resolution` re-runs the resolver with them: that is how ``data/sets/<slug>.csv``
was made.
"""

from __future__ import annotations

from typing import Final

from geo.dataset import Dataset
from geo.sets.resolution import Category, Resolution
from geo.sets.resolve import Decision, resolve_names
from geo.sets.shipped import load_entries

__all__ = ["HAND_DECISIONS", "shipped_resolution"]


def _d(codes: str, category: Category, reason: str) -> Decision:
    return Decision(tuple(codes.split()), category, reason)


_AMS_N = " ".join(f"WK0363N{x}" for x in "ABCDEFGHJKLMNPQ")
_AMS_F = " ".join(f"WK0363F{x}" for x in "ABCDEFGHJKLMNPQ")

#: Reviewed decisions that replace the resolver's own result, per set and entry label. Every
#: one was checked against the CBS wijk and buurt names and the map; entries not listed here
#: are taken as the resolver finds them (and were reviewed too).
HAND_DECISIONS: Final[dict[str, dict[str, Decision]]] = {
    "40-aandachtswijken": {
        "Amsterdam Noord": _d(
            _AMS_N, "multiple", "stadsdeel Noord: all its 15 wijken (codes WK0363N*); the PC4 definition covers parts"
        ),
        "Amsterdam Oost": _d(
            "WK0363MC WK0363MD WK0363ME WK0363MF WK0363MG",
            "multiple",
            "the pre-war neighbourhoods of Oost that the programme meant: Oosterparkbuurt, Transvaalbuurt, "
            "Dapperbuurt, Indische Buurt-West and -Oost; the rest of stadsdeel Oost (Watergraafsmeer, the "
            "Oostelijk Havengebied, IJburg: newer and better-off) left out (reviewer's reading)",
        ),
        "Amsterdam Nieuw-West": _d(
            _AMS_F,
            "multiple",
            "stadsdeel Nieuw-West: all its 15 wijken (codes WK0363F*); the PC4 definition covers parts",
        ),
        "Amsterdam Bijlmer": _d(
            "WK0363TC WK0363TD WK0363TE WK0363TF WK0363TG WK0363TH",
            "multiple",
            "Bijlmer-Centrum and Bijlmer-Oost (stadsdeel Zuidoost): Amsterdamse Poort, H-buurt, Ganzenhoef, "
            "Geerdinkhof/Kantershof, Bijlmermuseum, K-buurt; offices (Amstel III) and Gaasperdam left out",
        ),
        "Amsterdam Bos en Lommer": _d(
            "WK0363EA WK0363ED WK0363EE WK0363EF",
            "multiple",
            "the former stadsdeel Bos en Lommer: Sloterdijk-West, De Kolenkit, Landlust, Erasmuspark",
        ),
        "Arnhem Malburgen/Immerloo": _d(
            "WK020216 WK020217 WK020218",
            "multiple",
            "Malburgen-West, Malburgen-Oost (Noord) and Malburgen-Oost (Zuid); Immerloo I/II are buurten of "
            "Malburgen-Oost (Zuid)",
        ),
        "Den Haag Zuid-West": _d(
            "WK051833 WK051834 WK051836",
            "multiple",
            "Den Haag Zuidwest = Bouwlust/Vrederust, Morgenstond and Moerwijk (stadsdeel Escamp); the park "
            "Zuiderpark and the rest of Escamp left out",
        ),
        "Den Haag Schilderswijk": _d("WK051829", "fuzzy", "CBS calls the wijk 'Schildersbuurt' (wijk 29)"),
        "Den Haag Transvaal": _d("WK051830", "fuzzy", "CBS calls the wijk 'Transvaalkwartier' (wijk 30)"),
        "Dordrecht Wielwijk/Crabbehof": _d(
            "WK050507 WK050508",
            "multiple",
            "wijk 07 Wielwijk and wijk 08 Crabbehof/Zuidhoven (which also holds Zuidhoven)",
        ),
        "Eindhoven Bennekel": _d(
            "WK077272",
            "approximate",
            "buurten Bennekel-Oost and Bennekel-West (BU07727240, BU07727250) of wijk Oud-Gestel",
        ),
        "Eindhoven Woensel West": _d("WK077242", "approximate", "buurt Woensel-West (BU07724210) of wijk Erp"),
        "Enschede Velve-Lindenhof": _d(
            "WK015301", "approximate", "buurt Velve-Lindenhof (BU01530100) of wijk 01 Hogeland - Velve"
        ),
        "Groningen De Hoogte": _d("WK001403", "approximate", "buurt De Hoogte (BU00140300) of wijk Oud-Noord"),
        "Groningen Korrewegwijk": _d(
            "WK001403",
            "approximate",
            "the Korrewegwijk (Indische buurt, around the Korreweg) has no CBS name; it lies in wijk Oud-Noord",
        ),
        "Maastricht Noordoost": _d(
            "WK093505", "fuzzy", "CBS calls it 'Wijk 05 Buitenwijk Noordoost' (Nazareth, Limmel, Wittevrouwenveld ...)"
        ),
        "Nijmegen Hatert": _d("WK026806", "approximate", "buurt Hatert (BU02680616) of wijk Nijmegen-Zuid"),
        "Rotterdam Bergpolder": _d("WK059905", "approximate", "buurt Bergpolder (BU05990531) of wijk Noord"),
        "Rotterdam Oud Zuid": _d(
            "WK059910 WK059915",
            "multiple",
            "Oud Zuid = Feijenoord, Afrikaanderwijk, Bloemhof, Hillesluis (wijk Feijenoord) and Tarwewijk, "
            "Carnisse, Oud-Charlois (wijk Charlois); both CBS wijken are much larger",
        ),
        "Rotterdam West": _d("WK059903", "approximate", "Rotterdam West is the former deelgemeente Delfshaven"),
        "Rotterdam Vreewijk": _d("WK059910", "approximate", "buurt Vreewijk (BU05991080) of wijk Feijenoord"),
        "Rotterdam Zuidelijke Tuinsteden": _d(
            "WK059915",
            "approximate",
            "Pendrecht and Zuidwijk (BU05991577, BU05991573) of wijk Charlois; Lombardijen and Groot-IJsselmonde "
            "(wijk IJsselmonde), sometimes counted in, are left out",
        ),
        "Utrecht Kanaleneiland": _d(
            "WK034408", "approximate", "buurten Kanaleneiland-Noord and -Zuid (BU03440832, BU03440831) of wijk Zuidwest"
        ),
        "Utrecht Ondiep": _d("WK034402", "approximate", "buurt Ondiep (BU03440222) of wijk Noordwest"),
        "Utrecht Zuilen Oost": _d(
            "WK034402",
            "approximate",
            "Zuilen-Oost (Elinkwijk, Prins Bernhardplein, BU03440232/33) has no CBS name; it lies in wijk Noordwest",
        ),
    },
    "40plus-wijken": {
        "Breda Haagse Beemden": _d(
            "WK075806",
            "approximate",
            "the Haagse Beemden (Gageldonk, Kesteren, Heksenwiel, Hagebeemd ...) is CBS wijk 'Breda noord-west'",
        ),
        "Den Bosch Boschveld": _d("WK079611", "approximate", "buurt Boschveld (BU07961101) of wijk 11"),
        "Haarlem Zomerzone": _d(
            "WK039208 WK039209",
            "multiple",
            "the Zomerzone (Haarlem-Oost) has no CBS name: Slachthuiswijk and Parkwijk (reviewer's reading)",
        ),
        "Heerlen Passart": _d("WK091721", "approximate", "buurt Passart (BU09172100) of wijk 21 Heerlerheide-Passart"),
        "Leiden Slaaghwijk": _d("WK054608", "approximate", "buurt Slaaghwijk (BU05460800) of wijk Merenwijkdistrict"),
        "Lelystad Boswijk Zuid": _d("WK099503", "approximate", "the southern part of wijk Boswijk"),
        "Sittard-Geleen TAS": _d("", "not_found", "'TAS' is an abbreviation without a CBS name; not resolved"),
        "Tilburg Kruidenbuurt": _d(
            "WK085539", "approximate", "buurten Kruidenbuurt West, Oost and Zuid (BU08553902-04) of wijk 39"
        ),
        "Venlo Leutherberg en Vogelhut": _d(
            "",
            "not_found",
            "no CBS wijk or buurt of either name; probably in Venlo-Oost, not confirmed",
        ),
        "Almere Steden-, Staatslieden-, Kruidenwijk, centrum": _d(
            "WK003427 WK003425 WK003426 WK003417",
            "multiple",
            "Stedenwijk, Staatsliedenwijk, Kruidenwijk and Centrum Almere Stad",
        ),
        "Bergen op Zoom Gageldonk-West": _d(
            "WK074802", "approximate", "buurt Gageldonk-West (BU07480200) of wijk 02 Bergen op Zoom-Oost"
        ),
        "Capelle aan den IJssel De Hoeken en de Hoven/Wiekslag": _d(
            "WK050203",
            "approximate",
            "Hovenbuurt and Koperwiek (BU05020332, BU05020333) of wijk Middelwatering Oost",
        ),
        "Culemborg Terweijde": _d(
            "WK021600",
            "approximate",
            "buurten Ter Weijde Componistenbuurt and Statenliedenbuurt (BU02160004/05) of wijk Culemborg Oost",
        ),
        "Ede Veldhuizen-A": _d("WK022803", "approximate", "part A of wijk Ede-Veldhuizen"),
        "Gouda Oost": _d(
            "WK051306", "approximate", "Gouda-Oost (Oosterwei, Kort Haarlem, Vreewijk) is CBS wijk 'Kort Haarlem'"
        ),
        "Hoogezand-Sappemeer Gorecht-West": _d(
            "WK195202",
            "approximate",
            "Hoogezand-Sappemeer is part of Midden-Groningen since 2018; buurt Gorecht-West (BU19520205) of wijk 02",
        ),
        "IJsselstein IJsselveld-Oost": _d(
            "WK035300", "approximate", "buurt IJsselveld-Oost (BU03530007) of the only wijk, IJsselstein"
        ),
        "Roosendaal Kalsdonk": _d("WK167402", "approximate", "buurt Kalsdonk (BU16740202) of wijk 02"),
        "Veenendaal JES": _d(
            "",
            "not_found",
            "'JES' is an abbreviation without a CBS name; not resolved",
        ),
        "Vlaardingen Babberspolder-Oost": _d(
            "WK062205", "approximate", "buurt Babberspolder Oost (BU06220504) of wijk 05"
        ),
        "Zoetermeer Palenstein": _d("WK063700", "approximate", "buurt Palenstein (BU06370003) of wijk Centrum"),
        "Amsterdam Holendrecht-West & Venserpolder": _d(
            "WK0363TJ WK0363TB",
            "multiple",
            "buurt Holendrecht-West of wijk Holendrecht, and wijk Venserpolder",
        ),
        "Den Bosch Hambaken": _d("WK079609", "approximate", "buurt De Hambaken (BU07960909) of wijk 09"),
        "Enschede Wesselerbrink-Noord": _d(
            "WK015306",
            "approximate",
            "buurten Wesselerbrink Noord-Oost and Noord-West (BU01530603, BU01530606) of wijk 06 Enschede-Zuid",
        ),
    },
}


def shipped_resolution(ds: Dataset, slug: str) -> Resolution:
    """Re-run the resolver on a shipped set with its reviewed :data:`HAND_DECISIONS`.

    This is how ``data/sets/<slug>.csv`` was made; :func:`geo.sets.shipped.load_set` reads that file instead.
    """
    return resolve_names(ds, load_entries(slug), overrides=HAND_DECISIONS[slug])
