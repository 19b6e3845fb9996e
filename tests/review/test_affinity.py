import numpy as np

from stplan.review import affinity


def test_field_bonus_is_full_for_the_same_field_half_for_the_same_parent_and_none_otherwise():
    bonus = affinity.field_bonus(
        ["0801", "0802", None],
        ["08", "08", None],
        [{"0801"}, {"0803", "1201"}, set()],
        [{"08"}, {"08", "12"}, set()],
        0.2,
    )
    assert bonus.tolist() == [[0.2, 0.1, 0.0], [0.1, 0.1, 0.0], [0.0, 0.0, 0.0]]


def test_field_bonus_of_an_empty_pool_is_an_empty_matrix():
    assert affinity.field_bonus(["0801"], ["08"], [], [], 0.2).shape == (1, 0)
    assert np.array_equal(affinity.field_bonus([], [], [{"0801"}], [{"08"}], 0.2), np.zeros((0, 1)))
