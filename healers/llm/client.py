"""The provider: any OpenAI-compatible chat-completions endpoint (OpenAI, Ollama, vLLM,
llama.cpp's server) through the maintained `openai` client, which retries 429 and 5xx with
backoff. A refused key, an unknown model or no server is a ProviderError (exit 2); a request
that times out or keeps failing costs only its own finding."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from healers.errors import ProviderError
from healers.llm.settings import LlmConfig

try:
    import openai
except ImportError:  # pragma: no cover - the extra is missing; said when --propose is asked for
    openai = None  # type: ignore[assignment]


class RequestFailed(Exception):
    """One request failed after the client's retries (a timeout, 429, 5xx, a 400)."""


@dataclass(frozen=True)
class Answer:
    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float | None = None  # where the provider reports one (usage.cost)


class Provider:
    """One run's client: async, so that `heal stop` can cancel requests in flight."""

    def __init__(self, conf: LlmConfig, key: str) -> None:
        if openai is None:
            raise ProviderError("--propose needs the `openai` package: pip install 'healers[llm]'")
        if not conf.configured:
            raise ProviderError(
                "--propose needs [tool.healers.llm] base-url and model in pyproject.toml"
            )
        self.conf = conf
        self._key = key
        self.client = openai.AsyncOpenAI(
            base_url=conf.base_url,
            api_key=key or "no-key",  # the client insists on one; local servers ignore it
            timeout=conf.timeout,
            max_retries=conf.retries,
        )

    def _scrub(self, text: str) -> str:
        """A message that may quote the key (a server's 401 body) with the key masked."""
        return text.replace(self._key, "***") if self._key else text

    async def ask(self, messages: Sequence[dict[str, str]]) -> Answer:
        """One chat completion, streaming off."""
        assert openai is not None  # nosec B101 - checked in __init__; narrows the type
        try:
            done = await self.client.chat.completions.create(
                model=self.conf.model,
                messages=list(messages),  # type: ignore[arg-type]
                max_tokens=self.conf.max_tokens,
                temperature=0,
                stream=False,
            )
        except (openai.AuthenticationError, openai.PermissionDeniedError) as exc:
            raise ProviderError(
                f"{self.conf.base_url} refused the request ({exc.status_code}): check the key in "
                f"${self.conf.api_key_env or '(no api-key-env set)'}; {self._scrub(exc.message)}"
            ) from None
        except openai.NotFoundError as exc:
            raise ProviderError(
                f"{self.conf.base_url}: 404, no model {self.conf.model!r} or no chat-completions "
                f"endpoint there; {self._scrub(exc.message)}"
            ) from None
        except openai.APITimeoutError:
            raise RequestFailed(f"no answer within {self.conf.timeout:g} s") from None
        except openai.APIConnectionError as exc:
            raise ProviderError(
                f"cannot reach {self.conf.base_url}: {self._scrub(str(exc.__cause__ or exc))}"
            ) from None
        except openai.APIStatusError as exc:
            raise RequestFailed(
                f"the endpoint answered {exc.status_code} after {self.conf.retries} retries: "
                f"{self._scrub(exc.message)[:200]}"
            ) from None
        return _answer(done)

    async def close(self) -> None:
        await self.client.close()


def _answer(done: object) -> Answer:
    choices = getattr(done, "choices", None) or []
    message = getattr(choices[0], "message", None) if choices else None
    text = getattr(message, "content", None) or ""
    usage = getattr(done, "usage", None)
    cost = getattr(usage, "cost", None)
    return Answer(
        str(text),
        int(getattr(usage, "prompt_tokens", 0) or 0),
        int(getattr(usage, "completion_tokens", 0) or 0),
        float(cost) if isinstance(cost, (int, float)) else None,
    )
