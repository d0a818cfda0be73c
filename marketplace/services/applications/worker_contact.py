"""What of a worker's personal numbers an application's reader may see: masked, or nothing."""

from ... import policy
from ...identifiers import mask_mobile, mask_national_id
from ...models import Application, User


def masked_contact(actor: User, application: Application) -> dict[str, str | None]:
    """The worker's mobile and ID card number, masked, if the actor may see them; else {}."""
    if not policy.can_see_worker_contact(actor, application):
        return {}
    worker = application.worker
    return {
        "mobile": mask_mobile(worker.user.mobile) or None,
        "national_id": mask_national_id(worker.national_id) or None,
    }
