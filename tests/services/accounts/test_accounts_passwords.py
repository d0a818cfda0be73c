"""Password strength rules at their edges."""

from marketplace.services.accounts.passwords import password_problems


def test_a_long_password_is_judged_not_crashed_on(app):
    strong = "Loom-Weaver-2020-Spring-" * 5  # 120 characters, past zxcvbn's own limit
    assert password_problems(strong, ["王阿姨"]) == []
    weak = "a" * 100
    assert password_problems(weak, []) != []
    assert password_problems("x" * 257, []) != []
