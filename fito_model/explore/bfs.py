"""Breadth-first search a whole frontier at a time with numpy.

Each rule of the Network is precompiled into per-participant lookup tables
(local state -> targets); expanding a frontier for a rule is a few gathers,
a mask and a bit-splice for each participant, for all states at once. BFS
order gives shortest counterexamples; parents and rules are kept per level.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from ..bounds import Budget, peak_memory
from ..lts.network import Network
from .packing import Layout
from .result import Exploration, Stats
from .visited import Distinct, VisitedSet

CHUNK = 1 << 17


@dataclass(frozen=True)
class Table:
    """Targets of one component under one local event, grouped by source state."""

    counts: np.ndarray   # per local state
    starts: np.ndarray
    targets: np.ndarray
    first: np.ndarray | None  # per local state, the only target or -1 (when deterministic)


def build_table(lts, event: int) -> Table:
    n = lts.n_states
    src = np.repeat(np.arange(n, dtype=np.int64), np.diff(lts.offsets))
    sel = lts.events == event
    srcs, tg = src[sel], lts.targets[sel].astype(np.int64)
    counts = np.bincount(srcs, minlength=n).astype(np.int64)
    starts = np.cumsum(counts) - counts
    first = None
    if counts.max(initial=0) <= 1:
        first = np.full(n, -1, dtype=np.int64)
        first[srcs] = tg
    return Table(counts, starts, tg, first)


@dataclass(frozen=True)
class SoloGroup:
    """Every rule in which one component `c` moves alone, as one table: local state ->
    (targets, rule ids). Expanding a component's solo moves is then one gather, not one per rule."""

    component: int
    counts: np.ndarray
    starts: np.ndarray
    targets: np.ndarray
    rules: np.ndarray


def build_group(c: int, lts, rules_by_event: dict[int, list[int]]) -> SoloGroup:
    src = np.repeat(np.arange(lts.n_states, dtype=np.int64), np.diff(lts.offsets))
    rows = [(s, t, r) for s, e, t in zip(src.tolist(), lts.events.tolist(), lts.targets.tolist())
            for r in rules_by_event.get(e, ())]
    rows.sort(key=lambda x: (x[0], x[2], x[1]))
    srcs = np.array([x[0] for x in rows], dtype=np.int64)
    counts = np.bincount(srcs, minlength=lts.n_states).astype(np.int64)
    return SoloGroup(c, counts, np.cumsum(counts) - counts, np.array([x[1] for x in rows], dtype=np.int64),
                     np.array([x[2] for x in rows], dtype=np.int64))


class Visitor:
    """A check run on every expanded chunk of states; returns a mask of violating states."""

    needs_events: bool = False   # pass the (states x events) enabled matrix, τ included (for stability)
    record_edges: bool = False   # keep every transition (for cycle analyses)
    follows_levels: bool = False  # call level_done after each level (with record_edges)
    compiled: "Compiled"

    def bind(self, compiled: "Compiled") -> None:
        """Called once before the search, with the tables the search uses."""
        self.compiled = compiled

    def violations(self, rows: np.ndarray, enabled: np.ndarray, events: np.ndarray | None) -> np.ndarray | None:
        return None

    def level_done(self, sources: range, src: np.ndarray, dst: np.ndarray, rule: np.ndarray) -> bool:
        """With follows_levels: called once a level is expanded, with the states expanded (`sources`,
        by index) and their transitions, in the order the graph keeps them. True stops the search
        (status "stopped": the visitor found what it looked for; the graph so far is kept)."""
        return False


@dataclass
class Compiled:
    network: Network
    layout: Layout
    rules: list[list[tuple[int, Table]]]   # per rule; empty for solo rules (they are in `groups`)
    groups: list[SoloGroup]
    results: np.ndarray
    event_columns: dict[int, int] = field(default_factory=dict)

    @property
    def rule_dtype(self):
        return np.int16 if len(self.rules) < 2**15 else np.int32

    @staticmethod
    def of(network: Network) -> "Compiled":
        layout = Layout.for_sizes([c.n_states for c in network.components])
        cache: dict[tuple[int, int], Table] = {}
        rules = []
        solo: dict[int, dict[int, list[int]]] = {}
        for ri, r in enumerate(network.rules):
            parts = []
            if len(r.participants) == 1:
                c, e = r.participants[0]
                solo.setdefault(c, {}).setdefault(e, []).append(ri)
                rules.append(parts)
                continue
            for c, e in r.participants:
                if (c, e) not in cache:
                    cache[(c, e)] = build_table(network.components[c], e)
                parts.append((c, cache[(c, e)]))
            # most selective participant first: fewer rows carried through the splices
            parts.sort(key=lambda p: float((p[1].counts > 0).mean()))
            rules.append(parts)
        groups = [build_group(c, network.components[c], solo[c]) for c in sorted(solo)]
        results = np.array([r.result for r in network.rules], dtype=np.int64)
        columns = sorted({r.result for r in network.rules})  # τ (0) first when present
        return Compiled(network, layout, rules, groups, results, {e: i for i, e in enumerate(columns)})


def expand(comp: Compiled, rows: np.ndarray, want_events: bool):
    """Successors of `rows`: (next rows, parent positions, rule ids, enabled mask, enabled events)."""
    n = len(rows)
    enabled = np.zeros(n, dtype=bool)
    events = np.zeros((n, len(comp.event_columns)), dtype=bool) if want_events else None
    out_rows, out_parent, out_rule = [], [], []
    layout = comp.layout
    if events is not None:
        column_of_rule = np.array([comp.event_columns[int(e)] for e in comp.results], dtype=np.int64)
    for g in comp.groups:
        loc = layout.get(rows, g.component)
        cnt = g.counts[loc]
        total = int(cnt.sum())
        if total == 0:
            continue
        rep = np.repeat(np.arange(n), cnt)
        pos = g.starts[loc][rep] + (np.arange(total) - (np.cumsum(cnt) - cnt)[rep])
        cur = rows[rep]
        layout.set(cur, g.component, g.targets[pos])
        rule = g.rules[pos]
        enabled[rep] = True
        if events is not None:
            events[rep, column_of_rule[rule]] = True
        out_rows.append(cur)
        out_parent.append(rep)
        out_rule.append(rule.astype(comp.rule_dtype))
    for ri, parts in enumerate(comp.rules):
        if not parts:
            continue
        idx = np.arange(n)
        cur = rows
        copied = False
        for c, tab in parts:
            loc = layout.get(cur, c)
            if tab.first is not None:
                t = tab.first[loc]
                ok = t >= 0
                if not ok.all():
                    idx, cur, t = idx[ok], cur[ok], t[ok]
                    copied = True
            else:
                cnt = tab.counts[loc]
                total = int(cnt.sum())
                if total == 0:
                    idx = idx[:0]
                    break
                rep = np.repeat(np.arange(len(loc)), cnt)
                group_start = np.cumsum(cnt) - cnt
                pos = tab.starts[loc][rep] + (np.arange(total) - group_start[rep])
                t = tab.targets[pos]
                idx, cur = idx[rep], cur[rep]
                copied = True
            if not len(idx):
                break
            if not copied:
                cur = cur.copy()
                copied = True
            layout.set(cur, c, t)
        if not len(idx):
            continue
        enabled[idx] = True
        if events is not None and comp.results[ri] in comp.event_columns:
            events[idx, comp.event_columns[int(comp.results[ri])]] = True
        out_rows.append(cur)
        out_parent.append(idx)
        out_rule.append(np.full(len(idx), ri, dtype=comp.rule_dtype))
    if not out_rows:
        empty = np.zeros((0, layout.n_words), dtype=np.uint64)
        return empty, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=comp.rule_dtype), enabled, events
    return np.concatenate(out_rows), np.concatenate(out_parent), np.concatenate(out_rule), enabled, events


def bfs(network: Network, budget: Budget, visitor: Visitor | None = None) -> Exploration:
    visitor = visitor or Visitor()
    comp = Compiled.of(network)
    visitor.bind(comp)
    layout = comp.layout
    t0 = time.monotonic()
    visited = VisitedSet(with_index=visitor.record_edges)
    init = layout.pack(network.initial)
    visited.add(layout.keys(init), 0)
    levels_rows = [init]
    levels_parent = [np.full(1, -1, dtype=np.int32)]
    levels_rule = [np.full(1, -1, dtype=comp.rule_dtype)]
    edges: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    n_states, n_trans, depth = 1, 0, 0
    offsets = [0]  # global index of each level's first state
    status, bound, found = "complete", None, None

    def stats() -> Stats:
        secs = time.monotonic() - t0
        stored = visited.nbytes + sum(r.nbytes + p.nbytes + q.nbytes
                                      for r, p, q in zip(levels_rows, levels_parent, levels_rule))
        return Stats(n_states, n_trans, depth, secs, peak_memory(), stored / max(n_states, 1),
                     layout.collision_probability(n_states))

    frontier = init
    while len(frontier):
        level_new_rows, level_new_parent, level_new_rule = [], [], []
        level_edges = len(edges)
        for start in range(0, len(frontier), CHUNK):
            rows = frontier[start:start + CHUNK]
            nxt, parent, rule, enabled, events = expand(comp, rows, visitor.needs_events)
            bad = visitor.violations(rows, enabled, events)
            if bad is not None and bad.any():
                found = (len(levels_rows) - 1, start + int(np.argmax(bad)))
                break
            n_trans += len(nxt)
            keys = layout.keys(nxt)
            distinct = Distinct(keys)
            uniq = distinct.positions
            base = n_states + sum(len(r) for r in level_new_rows)
            is_new, index = visited.add(keys[uniq], base)
            if visitor.record_edges:
                edges.append((offsets[-1] + start + parent, distinct.spread(index), rule))
            new = uniq[is_new]
            level_new_rows.append(nxt[new])
            level_new_parent.append((parent[new] + start).astype(np.int32))
            level_new_rule.append(rule[new])
        if found is not None:
            status = "violation"
            break
        new_rows = np.concatenate(level_new_rows) if level_new_rows else frontier[:0]
        if not len(new_rows):
            if visitor.follows_levels and visitor.level_done(range(offsets[-1], n_states),
                                                           *_joined(edges[level_edges:], comp)):
                status = "stopped"
            break
        # Bounds are tested after the frontier was checked, before its new successors are
        # kept: every counted state has been checked, and "complete" is exact (a search that
        # ends at the bound with no new state left is complete).
        if budget.bounds.max_depth is not None and depth >= budget.bounds.max_depth:
            bound = "max-depth"
        elif n_states >= budget.bounds.max_states:
            bound = "max-states"
        else:
            bound = budget.exceeded()
        if bound:
            status = "incomplete"
            if visitor.record_edges:  # drop the edges into states that are not kept
                edges = [(s[d < n_states], d[d < n_states], r[d < n_states]) for s, d, r in edges]
            break
        offsets.append(n_states)
        n_states += len(new_rows)
        depth += 1
        levels_rows.append(new_rows)
        levels_parent.append(np.concatenate(level_new_parent))
        levels_rule.append(np.concatenate(level_new_rule))
        if visitor.follows_levels and visitor.level_done(range(offsets[-2], offsets[-1]),
                                                       *_joined(edges[level_edges:], comp)):
            status = "stopped"
            break
        frontier = new_rows

    path = None
    if found is not None:
        path = _path(layout, levels_rows, levels_parent, levels_rule, *found)
    graph = None
    if visitor.record_edges and status != "violation":
        graph = _graph(edges, levels_rows, comp)
    return Exploration(status, stats(), bound, path, graph, comp)


def _path(layout, rows, parents, rules, level, pos):
    """Steps (rule index or -1 for the start, state) from the initial state to (level, pos)."""
    steps = []
    while level >= 0:
        steps.append((int(rules[level][pos]), layout.unpack(rows[level][pos])))
        pos = int(parents[level][pos])
        level -= 1
    return steps[::-1]


def _joined(edges, comp: Compiled) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(src, dst, rule) of a list of edge chunks, in order."""
    if not edges:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=comp.rule_dtype)
    return tuple(np.concatenate([e[i] for e in edges]) for i in range(3))


def _graph(edges, levels_rows, comp):
    from .result import StateGraph

    return StateGraph(np.concatenate(levels_rows), *_joined(edges, comp), comp.layout)
