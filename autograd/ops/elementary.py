"""The elementary functions of both node types: exp, log, log1p, sqrt, sin, cos."""

from __future__ import annotations

from .base import Op


class Exp(Op):
    """e^x;  d/dx e^x = e^x"""

    name = "exp"
    derivatives = ("{out}",)
    methods = ("exp",)

    def forward(self, F, x):
        return F.exp(x)

    def partials(self, F, out, x):
        return (out,)


class Log(Op):
    """ln x;  d/dx ln x = 1 / x"""

    name = "log"
    derivatives = ("1/{a}",)
    methods = ("log",)
    domain = (0.2, 3.0)

    def forward(self, F, x):
        return F.log(x)

    def partials(self, F, out, x):
        return (F.div(1.0, x),)


class Log1p(Op):
    """ln(1 + x), accurate for small x;  d/dx ln(1 + x) = 1 / (1 + x)"""

    name = "log1p"
    derivatives = ("1/(1 + {a})",)
    methods = ("log1p",)
    domain = (-0.5, 2.0)

    def forward(self, F, x):
        return F.log1p(x)

    def partials(self, F, out, x):
        return (F.div(1.0, 1.0 + x),)


class Sqrt(Op):
    """sqrt(x);  d/dx sqrt(x) = 1 / (2 sqrt(x))"""

    name = "sqrt"
    derivatives = ("0.5/{out}",)
    methods = ("sqrt",)
    domain = (0.2, 3.0)

    def forward(self, F, x):
        return F.sqrt(x)

    def partials(self, F, out, x):
        return (F.div(0.5, out),)


class Sin(Op):
    """sin(x);  d/dx sin(x) = cos(x)"""

    name = "sin"
    derivatives = ("cos({a})",)
    methods = ("sin",)

    def forward(self, F, x):
        return F.sin(x)

    def partials(self, F, out, x):
        return (F.cos(x),)


class Cos(Op):
    """cos(x);  d/dx cos(x) = -sin(x)"""

    name = "cos"
    derivatives = ("-sin({a})",)
    methods = ("cos",)

    def forward(self, F, x):
        return F.cos(x)

    def partials(self, F, out, x):
        return (-F.sin(x),)
