"""What a consultation asks, in plain words, for each audience: one question a page.

The questions IRO services ask before a review: what is going well, what is worrying, what should
change, who should be at the review and where, anything only for the IRO, speaking to the IRO alone,
and an advocate. Children under 8 get pictures and a few choices."""

from dataclasses import dataclass, field

from .models import Audience


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    hint: str = ""
    # (value, label, picture): a picture is an emoji shown beside its label, never alone.
    choices: tuple[tuple[str, str, str], ...] = field(default=())
    # Answers only the IRO may read: marked on the record and left out of documents sent to others.
    only_for_iro: bool = False

    @property
    def is_choice(self) -> bool:
        return bool(self.choices)


YES_NO = (("yes", "Yes", ""), ("no", "No", ""), ("not_sure", "I'm not sure", ""))
FEELINGS = (("happy", "Happy", "😀"), ("ok", "OK", "😐"), ("sad", "Sad", "😟"))

ONLY_IRO_CHILD = Question(
    "only_for_iro",
    "Is there anything you want only your IRO to know?",
    "Your IRO is the person who runs your review. They will not share this with anyone else unless they "
    "are worried you are not safe.",
    only_for_iro=True,
)
ONLY_IRO_ADULT = Question(
    "only_for_iro",
    "Is there anything you want only the IRO to know?",
    "This is kept from the papers sent to others after the review.",
    only_for_iro=True,
)

QUESTIONS: dict[str, tuple[Question, ...]] = {
    Audience.CHILD_UNDER_8: (
        Question("feel_home", "How do you feel about where you live?", choices=FEELINGS),
        Question("feel_school", "How do you feel about school or nursery?", choices=FEELINGS),
        Question("feel_family", "How do you feel about seeing your family?", choices=FEELINGS),
        Question("change", "What would make things better?", "You can ask a grown-up to help you write."),
        Question(
            "speak_alone",
            "Would you like to talk to your IRO on your own?",
            choices=(("yes", "Yes", "👍"), ("no", "No", "👎"), ("not_sure", "I don't know", "🤔")),
        ),
    ),
    Audience.CHILD_8_TO_12: (
        Question("going_well", "What is going well for you?", "For example at home, at school or with friends."),
        Question("worrying", "Is anything worrying you?"),
        Question("change", "What would you like to change?"),
        Question("who_where", "Who would you like at your review, and where would you like it to be?"),
        ONLY_IRO_CHILD,
        Question("speak_alone", "Would you like to talk to your IRO on your own before the review?", choices=YES_NO),
        Question(
            "advocate",
            "Would you like an advocate?",
            "An advocate is someone who is on your side and can help you say what you think.",
            choices=YES_NO,
        ),
    ),
    Audience.CHILD_13_PLUS: (
        Question("going_well", "What is going well for you at the moment?"),
        Question("worrying", "What is worrying you?"),
        Question("change", "What do you want to change about your plan?"),
        Question("who_where", "Who do you want at your review, and where should it be?"),
        ONLY_IRO_CHILD,
        Question("speak_alone", "Do you want to speak to your IRO on your own before the review?", choices=YES_NO),
        Question(
            "advocate",
            "Would you like an advocate?",
            "An advocate is independent of social care and helps you get your views across.",
            choices=YES_NO,
        ),
    ),
    Audience.PARENT: (
        Question("going_well", "What is going well for your child?"),
        Question("worrying", "What is worrying you?"),
        Question("change", "What would you like to change?"),
        Question("who_where", "Who should be at the review, and where should it be?"),
        ONLY_IRO_ADULT,
        Question("speak_alone", "Would you like to speak to the IRO before the review?", choices=YES_NO),
    ),
    Audience.CARER: (
        Question("going_well", "What is going well for the child you care for?"),
        Question("worrying", "What is worrying you?"),
        Question("change", "What would you like to change?"),
        Question("who_where", "Who should be at the review, and where should it be?"),
        ONLY_IRO_ADULT,
        Question("speak_alone", "Would you like to speak to the IRO before the review?", choices=YES_NO),
    ),
    Audience.SOCIAL_WORKER: (
        Question("going_well", "Progress since the last review", "Your report to the review: what is going well."),
        Question("worrying", "Concerns and risks"),
        Question("change", "What should change in the care plan, and why"),
        Question("who_where", "Who should be at the review, and where should it be?"),
        ONLY_IRO_ADULT,
        Question(
            "report_shared",
            "Has your report been shared with the child and family?",
            "It should be shared at least 3 working days before the meeting.",
            choices=YES_NO,
        ),
    ),
    Audience.OTHER: (
        Question("going_well", "What is going well for the child?"),
        Question("worrying", "What is worrying you?"),
        Question("change", "What would you like to change?"),
        ONLY_IRO_ADULT,
    ),
}


def label_of(question: Question, value: str) -> str:
    """The words of an answer: a choice's label, or the text written."""
    return dict((v, label) for v, label, _ in question.choices).get(value, value)


def as_text(audience: str, answers: dict, *, only_for_iro: bool) -> str:
    """The answers to the questions that are (or are not) only for the IRO, as the record's text."""
    lines = []
    for question in QUESTIONS[audience]:
        answer = (answers.get(question.key) or "").strip()
        if question.only_for_iro == only_for_iro and answer:
            lines.append(f"{question.text}\n{label_of(question, answer)}")
    return "\n\n".join(lines)
