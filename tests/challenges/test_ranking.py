"""Several teams answer one 榜单 item: they are ranked against each other and at most the
item's number of winners is funded."""

import pytest

from stplan.funding import services as funding
from stplan.review.selectors import standings
from tests.world import open_guide, passed_challenge, published_item, scored_round

pytestmark = pytest.mark.django_db


def test_teams_of_one_item_are_ranked_and_only_the_winner_is_selected():
    guide = open_guide()
    item = published_item(guide, winners=1)
    teams = [passed_challenge(item), passed_challenge(item)]
    current, _, staff = scored_round(guide, [80, 90], directions=(1,), applications=teams)

    ranks = {row.application.pk: row.rank_in_item for row in standings(current)}
    plan = funding.create_plan(actor=staff, review_round=current, name="揭榜", total_budget=10_000_000)

    assert ranks == {teams[1].pk: 1, teams[0].pk: 2}
    selected = {i.application_id: i.selected for i in plan.items.all()}
    assert selected == {teams[1].pk: True, teams[0].pk: False}
    loser = plan.items.get(application=teams[0])
    assert loser.reasons == [
        "方向1拟立项数已满（1项），入选项目的得分更高",
        f"榜单项目{item.code}拟支持1个揭榜团队，已由得分更高的团队揭榜",
    ]
