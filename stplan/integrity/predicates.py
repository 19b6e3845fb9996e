"""Who may run 查重, see its report and decide on a pair.

A pair is decided by whoever may decide the later application's 形式审查: the 科室 of its
方向, or a 局管理员. Both sides' 科室 see the pair: the earlier application's 科室 has to
know its text was copied too.
"""

import rules

from stplan.applications.predicates import is_bureau_admin, is_bureau_staff, is_section_officer


@rules.predicate
def decides_pair(user, pair):
    return pair is not None and (is_bureau_admin(user) or is_section_officer(user, pair.application))


rules.add_perm("integrity.view_report", is_bureau_staff)
rules.add_perm("integrity.scan", is_bureau_staff)
rules.add_perm("integrity.mark_pair", decides_pair)
rules.add_perm("integrity.import_registry", is_bureau_admin)
