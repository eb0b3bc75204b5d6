#!/usr/bin/env python3
"""Fail when the packages under ``emporium`` import each other in a cycle.

The graph is computed with grimp (the engine of import-linter) over every module, then folded
onto packages: at each level, the subpackages of one package are the nodes, and an import from
anywhere inside one to anywhere inside another is an edge. Any strongly connected component of
more than one node is a cycle; each is printed with the imports that make it. ``--print`` also
prints the top-level package graph.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from collections.abc import Iterable

import grimp

Edges = dict[str, set[str]]


def package_edges(
    graph: grimp.ImportGraph, parent: str
) -> tuple[Edges, dict[tuple[str, str], str]]:
    """Return the edges between the direct subpackages of ``parent``, with one example import."""
    children = {
        child for child in graph.find_children(parent) if graph.find_children(child)
    }  # packages only: a plain module has no children
    edges: Edges = defaultdict(set)
    examples: dict[tuple[str, str], str] = {}

    def owner(module: str) -> str | None:
        for child in children:
            if module == child or module.startswith(child + "."):
                return child
        return None

    for module in graph.find_descendants(parent):
        source = owner(module)
        if source is None:
            continue
        for imported in graph.find_modules_directly_imported_by(module):
            target = owner(imported)
            if target is not None and target != source:
                edges[source].add(target)
                examples.setdefault((source, target), f"{module} -> {imported}")
    return edges, examples


def cycles(edges: Edges) -> list[list[str]]:
    """Return the strongly connected components of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    nodes = set(edges) | {t for targets in edges.values() for t in targets}

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(nodes):
        if node not in index:
            visit(node)
    return found


def packages(graph: grimp.ImportGraph, root: str) -> Iterable[str]:
    """Yield ``root`` and every package below it."""
    yield root
    for module in sorted(graph.find_descendants(root)):
        if graph.find_children(module):
            yield module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", default="emporium")
    parser.add_argument("--print", action="store_true", help="print the top-level graph")
    args = parser.parse_args(argv)
    graph = grimp.build_graph(args.root, include_external_packages=False)
    if args.print:
        edges, _ = package_edges(graph, args.root)
        for source in sorted(edges):
            print(f"{source} -> {', '.join(sorted(edges[source]))}")
    broken = 0
    for parent in packages(graph, args.root):
        edges, examples = package_edges(graph, parent)
        for component in cycles(edges):
            broken += 1
            print(f"cycle between packages: {' <-> '.join(component)}")
            members = set(component)
            for (source, target), example in sorted(examples.items()):
                if source in members and target in members:
                    print(f"    {example}")
    checked = sum(1 for _ in packages(graph, args.root))
    if broken:
        print(f"import graph: {broken} cycle(s) among the packages of {args.root}")
        return 1
    print(f"import graph: no cycle among the {checked} packages of {args.root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
