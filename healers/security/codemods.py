"""Security codemods, by name (a rule's `fix`): this healer's literal registry."""

from __future__ import annotations

from healers.codemod import Codemods
from healers.security.arguments import (
    AddRequestTimeout,
    BindLoopback,
    FlaskDebugOff,
    HashNotForSecurity,
    Jinja2Autoescape,
    ParamikoRejectPolicy,
    SafeYamlLoad,
    TarfileDataFilter,
    TorchWeightsOnly,
    VerifyCertificates,
)
from healers.security.crypto import UseModernTls, UseStrongKeySize
from healers.security.evaluation import UseLiteralEval
from healers.security.markup import UseFormatHtml
from healers.security.permissions import RestrictPermissions
from healers.security.secrets import SecretFromEnvironment, UseSystemRandom
from healers.security.shell import SubprocessWithoutShell, SystemToSubprocess
from healers.security.sql import ParameterizeQuery
from healers.security.temp import MktempToNamedTemporaryFile

CODEMODS: Codemods = {
    "AddRequestTimeout": AddRequestTimeout,
    "BindLoopback": BindLoopback,
    "FlaskDebugOff": FlaskDebugOff,
    "HashNotForSecurity": HashNotForSecurity,
    "Jinja2Autoescape": Jinja2Autoescape,
    "MktempToNamedTemporaryFile": MktempToNamedTemporaryFile,
    "ParameterizeQuery": ParameterizeQuery,
    "ParamikoRejectPolicy": ParamikoRejectPolicy,
    "RestrictPermissions": RestrictPermissions,
    "SafeYamlLoad": SafeYamlLoad,
    "SecretFromEnvironment": SecretFromEnvironment,
    "SubprocessWithoutShell": SubprocessWithoutShell,
    "SystemToSubprocess": SystemToSubprocess,
    "TarfileDataFilter": TarfileDataFilter,
    "TorchWeightsOnly": TorchWeightsOnly,
    "UseFormatHtml": UseFormatHtml,
    "UseLiteralEval": UseLiteralEval,
    "UseModernTls": UseModernTls,
    "UseStrongKeySize": UseStrongKeySize,
    "UseSystemRandom": UseSystemRandom,
    "VerifyCertificates": VerifyCertificates,
}
