"""The lines a staged change touches, where they are in the working tree (tools/git.through):
a line carries over each hunk before it and has no place once a hunk rewrites it."""

from __future__ import annotations

from healers.tools.git import new_lines, through


def test_lines_move_by_what_the_hunks_above_them_add_and_delete() -> None:
    # two lines inserted after line 3, line 8 replaced by three, line 12 deleted
    hunks = [(3, 0, 4, 2), (8, 1, 10, 3), (12, 1, 15, 0)]
    assert through(frozenset({1, 3, 4, 7, 9, 11, 13}), hunks) == {1, 3, 6, 9, 13, 15, 16}


def test_a_line_the_working_tree_changed_again_is_not_the_commits() -> None:
    assert through(frozenset({5, 6, 7}), [(6, 1, 6, 1)]) == {5, 7}
    assert through(frozenset({2}), [(1, 3, 1, 0)]) == frozenset()


def test_no_hunks_leave_every_line_where_it_is() -> None:
    assert through(frozenset({1, 40}), []) == {1, 40}


def test_a_files_new_lines_are_those_its_hunks_add() -> None:
    assert new_lines([(0, 0, 1, 3), (9, 2, 12, 1), (20, 1, 22, 0)]) == {1, 2, 3, 12}
