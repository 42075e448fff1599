"""One structure tree for a pack merged from tagged parts, so that the pack is a tagged PDF
like each part: what screen readers use to read headings, tables and lists in order.

WeasyPrint renders each part (the cover and agenda, then each case) with its own tree: a
Document element holding the part's elements, and a parent tree that maps each page's
marked content to its elements by the page's /StructParents number. The merge keeps the
pages' content, marked-content ids and all; `Tree` copies every part's elements into the
pack under one Document element, in page order, and gives each part's parent-tree entries
numbers of their own (the numbers need not follow the pages, so the cover and agenda, which
come last, take theirs after the cases'). The footers stamped on afterwards are artifacts,
outside the tree. If any part has no tree, the pack is left untagged rather than partly
tagged."""

from __future__ import annotations

from typing import cast

import pikepdf
from pikepdf import Array, Dictionary, Name


def _numbers(tree: pikepdf.Object) -> list[tuple[int, pikepdf.Object]]:
    """The (key, value) pairs of a number tree, through any /Kids."""
    pairs: list[tuple[int, pikepdf.Object]] = []
    if Name.Nums in tree:
        nums = list(tree.Nums)
        pairs += [(int(nums[i]), nums[i + 1]) for i in range(0, len(nums) - 1, 2)]
    for kid in tree.get(Name.Kids, Array()):
        pairs += _numbers(kid)
    return pairs


def _as_list(value: pikepdf.Object | None) -> list[pikepdf.Object]:
    if value is None:
        return []
    return list(value) if isinstance(value, Array) else [value]


class Tree:
    """The pack's tree, built a part at a time as the part's pages are copied in."""

    def __init__(self, pdf: pikepdf.Pdf) -> None:
        self._pdf = pdf
        self._tree = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
        self._document = pdf.make_indirect(
            Dictionary(Type=Name.StructElem, S=Name.Document, P=self._tree)
        )
        self._kids: list[pikepdf.Object] = []
        self._numbers = Array()
        self._namespaces = Array()
        self._role_map = Dictionary()
        self._next_key = 0
        self.complete = True

    def add(self, source: pikepdf.Pdf, pages: list[pikepdf.Page], *, first: bool = False) -> None:
        """Take in the tree of `source`, whose `pages` are already copied into the pack; a
        `first` part's elements go before all the others."""
        if Name.StructTreeRoot not in source.Root:
            self.complete = False
            return
        # Copied after the part's pages, so its elements' /Pg point at the pack's pages.
        root = self._pdf.copy_foreign(source.Root.StructTreeRoot)
        kids: list[pikepdf.Object] = []
        for element in _as_list(root.get(Name.K)):
            page = element.get(Name.Pg)
            for child in _as_list(element.get(Name.K)):
                if isinstance(child, Dictionary) and Name.MCID not in child:
                    if Name.P in child:
                        child.P = self._document
                    kids.append(child)
                else:  # marked content right under the part's Document element
                    mcid = child.MCID if isinstance(child, Dictionary) else child
                    kids.append(Dictionary(Type=Name.MCR, Pg=page, MCID=mcid))
        self._kids = kids + self._kids if first else self._kids + kids
        base = self._next_key
        top = -1
        for key, value in _numbers(root.ParentTree):
            self._numbers.extend(cast(list[pikepdf.Object], [base + key, value]))
            top = max(top, key)
        for page_in_pack in pages:
            page_obj = page_in_pack.obj
            if Name.StructParents in page_obj:
                number = int(page_obj.StructParents)
                page_obj.StructParents = base + number
                top = max(top, number)
            for annotation in page_obj.get(Name.Annots, Array()):
                if Name.StructParent in annotation:
                    annotation.StructParent = base + int(annotation.StructParent)
        self._next_key = base + top + 1
        self._namespaces.extend(_as_list(root.get(Name.Namespaces)))
        for role, standard in root.get(Name.RoleMap, Dictionary()).items():
            self._role_map[role] = standard

    def finish(self) -> bool:
        """Put the tree in the pack's catalogue; False, and no tree, if a part had none."""
        if not self.complete:
            return False
        tree, document = self._tree, self._document
        document.K = Array(self._kids)
        tree.K = Array([document])
        tree.ParentTree = self._pdf.make_indirect(Dictionary(Nums=self._numbers))
        tree.ParentTreeNextKey = self._next_key
        if len(self._namespaces):
            tree.Namespaces = self._namespaces
            document.NS = self._namespaces[0]
        if len(self._role_map.keys()):
            tree.RoleMap = self._role_map
        self._pdf.Root.StructTreeRoot = tree
        self._pdf.Root.MarkInfo = Dictionary(Marked=True)
        return True
