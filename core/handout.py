"""The handout of the joint follow-up meeting: what presentation mode shows, to take along.

Built only from what the themes page may show anyone who reads it: the themes published
for the round (themes.published, so every count is at least k and nothing shows before k
conversations are held), the team's group actions, and the guide's follow-up text and
confidentiality note. No raw count, no conversation and no note ever reaches it.
"""

from core import actions, content, exports, people, rounds, teams, themes
from core.db import Cursor


def _theme_blocks(result: themes.TeamThemes, language: content.Language) -> tuple:
    t = language.t
    if not result.published:
        return (exports.Paragraph(t("themes.gate", held=result.held, k=result.k)),)
    if not result.themes:
        return (exports.Paragraph(t("themes.none_published", k=result.k)),)
    lines = tuple(
        t(
            "themes.line",
            theme=language.theme(count.theme_id).label,
            polarity=t(f"themes.polarity_{count.polarity}"),
            n=count.count,
        )
        for count in result.themes
    )
    return (exports.Bullets(lines), exports.Paragraph(t("themes.k_rule", k=result.k), muted=True))


def _action_line(action: actions.GroupAction, round_id: int, language: content.Language) -> str:
    t = language.t
    details = [t(f"themes.status_{action.status}")]
    if action.owner:
        details.append(t("themes.owner_is", owner=action.owner))
    if action.due_on:
        details.append(t("themes.due_is", due=action.due_on.strftime("%d-%m-%Y")))
    if action.theme_id:
        details.append(language.theme(action.theme_id).label)
    if action.round_id != round_id:
        details.append(t("themes.carried_over"))
    return f"{action.text}\n{' · '.join(details)}"


def document(
    cur: Cursor, actor: people.User, round_id: int, language: content.Language
) -> exports.Document:
    """The round's handout for whoever may read the team's themes (else NotAllowed)."""
    t, guide = language.t, language.guide
    result = themes.published(cur, actor, round_id)  # checks that the actor may see them
    listed = actions.for_round(cur, actor, round_id)
    round_ = rounds.get(cur, round_id)
    team = teams.get(cur, round_.team_id)
    action_blocks: tuple[exports.Block, ...] = (
        (exports.Bullets(tuple(_action_line(a, round_id, language) for a in listed)),)
        if listed
        else (exports.Paragraph(t("themes.no_actions")),)
    )
    return exports.Document(
        t("themes.handout_title"),
        (
            exports.Section(t("themes.handout_themes"), _theme_blocks(result, language)),
            exports.Section(
                guide.step("after").title, (exports.Paragraph(guide.followup_meeting),)
            ),
            exports.Section(t("themes.actions"), action_blocks),
            exports.Section(
                t("themes.handout_confidentiality"),
                (exports.Paragraph(guide.confidentiality_note),),
            ),
        ),
        intro=(exports.Paragraph(f"{team.name} · {round_.name}" if team else round_.name),),
    )
