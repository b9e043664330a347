from django.contrib import messages
from django.core.exceptions import ValidationError


def attempt(request, action, success: str) -> bool:
    """Run the service call behind a button; tell the person its refusal or its success."""
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    messages.success(request, success)
    return True
