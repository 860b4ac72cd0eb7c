"""Security codemods, by name (a rule's `fix`): this healer's literal registry."""

from __future__ import annotations

from healers.codemod import Codemods, legacy
from healers.security import arguments, secrets, shell, temp

CODEMODS: Codemods = {
    "AddRequestTimeout": legacy(arguments.add_request_timeout),
    "BindLoopback": legacy(arguments.bind_loopback),
    "FlaskDebugOff": legacy(arguments.flask_debug_off),
    "HashNotForSecurity": legacy(arguments.hash_not_for_security),
    "Jinja2Autoescape": legacy(arguments.jinja2_autoescape),
    "MktempToNamedTemporaryFile": legacy(temp.mktemp_to_named_temporary_file),
    "ParamikoRejectPolicy": legacy(arguments.paramiko_reject_policy),
    "SafeYamlLoad": legacy(arguments.safe_yaml_load),
    "SecretFromEnvironment": legacy(secrets.secret_from_environment),
    "SubprocessWithoutShell": legacy(shell.subprocess_without_shell),
    "TarfileDataFilter": legacy(arguments.tarfile_data_filter),
    "TorchWeightsOnly": legacy(arguments.torch_weights_only),
    "UseSystemRandom": legacy(secrets.use_system_random),
    "VerifyCertificates": legacy(arguments.verify_certificates),
}
