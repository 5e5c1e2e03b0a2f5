"""What the playground's HTTP tests share: the small set-up and the check of a refused request."""

import pytest

from chainrule.playground.client import ApiError

SMALL = "data=moons&n=100&layers=4&batch=20"


def refused(call, status=400, words=""):
    """Call, expect an ApiError with ``status`` whose message contains ``words``; return it."""
    with pytest.raises(ApiError) as info:
        call()
    assert info.value.status == status, info.value.message
    assert words.lower() in info.value.message.lower(), info.value.message
    return info.value.message
