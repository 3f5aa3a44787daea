"""Why a league table is empty: said on the page and in `wenzheng stats`, never left blank.

A ranking lists only groups with at least WENZHENG_MIN_RANK_SAMPLE petitions.
When none reaches it (on the sample: hundreds of units, none with 30 cases,
and most replies naming no unit at all), the reader is told so, with the
figures that make it so, instead of a table of "不排名" rows.
"""
from __future__ import annotations


def why_unranked(sizes: dict[str, int], min_sample: int, unlabelled: int = 0, label: str = "部门") -> str:
    """A sentence saying why no group is ranked, or "" when one is.

    ``sizes``: petitions per named group; ``unlabelled``: petitions whose group is unknown.
    """
    sizes = {name: count for name, count in sizes.items() if name}
    if any(count >= min_sample for count in sizes.values()):
        return ""
    unknown = f"；另有 {unlabelled} 件留言的答复未写明{label}（未标注），不计入排名" if unlabelled else ""
    if not sizes:
        return f"{label}排名为空：尚无可识别的答复{label}{unknown}。"
    largest = max(sizes, key=lambda name: (sizes[name], name))
    return (f"{label}排名为空：{len(sizes)} 个{label}中留言最多的“{largest}”也只有 {sizes[largest]} 件，"
            f"不足参与排名的最低样本 {min_sample} 件{unknown}。")
