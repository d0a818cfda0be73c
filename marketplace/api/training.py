"""Quick training: moderators publish, cancel and complete sessions; workers enrol and withdraw.

Completing a session grants those who passed a verified skill or certificate.
"""

from ..schemas.training import (
    CancelTrainingSchema,
    CompleteTrainingSchema,
    EnrolmentSchema,
    TrainingInputSchema,
    TrainingListArgsSchema,
    TrainingListSchema,
    TrainingSessionSchema,
)
from ..services.training import access as training_access
from ..services.training import grants as training_grants
from ..services.training import sessions as training
from ..services.training.access import SessionView
from .base import Blueprint
from .security import auth_required, current_actor

blp = Blueprint(
    "api_training",
    __name__,
    url_prefix="/training-sessions",
    description="Quick training run by an association, which certifies skills and certificates.",
)
FIELDS = (
    *("id", "association_id", "title", "location", "skill_id", "level_granted"),
    *("certificate_type_id", "starts_at", "ends_at", "capacity", "enrolled_count"),
)


def _shown(view: SessionView) -> dict:
    session = view.session
    return {
        **{name: getattr(session, name) for name in FIELDS},
        "status": session.status.value,
        "places_left": session.capacity - session.enrolled_count,
        "my_enrolment": view.my_enrolment.value if view.my_enrolment else None,
        "enrolments": view.enrolments,
    }


@blp.get("")
@auth_required(blp)
@blp.arguments(TrainingListArgsSchema, location="query")
@blp.response(200, TrainingListSchema)
@blp.alt_response(404, response="NOT_FOUND")
def list_sessions(args):
    """A moderator's association's sessions; for a worker, the open ones with their enrolment."""
    found = training_access.sessions_for(current_actor(), args["association_id"])
    return {"items": [_shown(view) for view in found]}


@blp.post("")
@auth_required(blp)
@blp.arguments(TrainingInputSchema)
@blp.response(201, TrainingSessionSchema)
@blp.alt_response(404, response="NOT_FOUND")
def publish_session(data):
    """Publish a session that grants a skill (at a level) or a certificate."""
    association_id = data.pop("association_id")
    session = training_access.publish(
        current_actor(), association_id, training.TrainingInput(**data)
    )
    return _shown(SessionView(session))


@blp.get("/<int:session_id>")
@auth_required(blp)
@blp.response(200, TrainingSessionSchema)
@blp.alt_response(404, response="NOT_FOUND")
def get_session(session_id):
    """One session: with every enrolment for its moderators, with their own for a worker."""
    return _shown(training_access.visible_session(current_actor(), session_id))


@blp.post("/<int:session_id>/cancel")
@auth_required(blp)
@blp.arguments(CancelTrainingSchema)
@blp.response(200, TrainingSessionSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def cancel_session(data, session_id):
    """Call a session off; everyone enrolled is withdrawn and told why."""
    session = training.cancel_training(current_actor(), session_id, data["reason"])
    return _shown(SessionView(session))


@blp.post("/<int:session_id>/complete")
@auth_required(blp)
@blp.arguments(CompleteTrainingSchema)
@blp.response(200, TrainingSessionSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def complete_session(data, session_id):
    """Record who passed (they are certified at once); the session closes."""
    session = training_grants.complete_training(
        current_actor(), session_id, data["passed_worker_ids"], data["failed_worker_ids"]
    )
    return _shown(SessionView(session))


@blp.post("/<int:session_id>/enrol")
@auth_required(blp)
@blp.response(200, EnrolmentSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def enrol(session_id):
    """The calling worker takes a place in a published session that has not started."""
    return training.enrol(current_actor(), session_id)


@blp.post("/<int:session_id>/withdraw")
@auth_required(blp)
@blp.response(200, EnrolmentSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def withdraw(session_id):
    """The calling worker gives up their place."""
    return training.withdraw_enrolment(current_actor(), session_id)
