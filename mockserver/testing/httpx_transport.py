"""``httpx`` in process and forwarded: answers as ``httpx.Response``s, errors
as httpx raises them over a socket.

An ``httpx.AsyncClient``'s call runs the app in a worker thread, as under a
threaded server: a slow answer (a delay fault) never blocks the event loop.
(httpx's own ``WSGITransport`` gives the app no length for a chunked body, so
the app would read none, and has no read timeout.)
"""
from __future__ import annotations

import httpx

from .hosts import api_for_host, foreign_path
from .wsgi_call import Dropped, GaveUp, WSGICall


def answer_in_process(call: WSGICall, request: httpx.Request, body: bytes) -> httpx.Response:
    """The app's answer to ``request`` (its body already read), or the exception
    httpx raises over a socket."""
    headers = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in request.headers.raw]
    try:
        status, reason, response_headers, content = call(
            request.method, str(request.url), headers, body, request.extensions.get("timeout", {}).get("read"))
    except GaveUp:
        raise httpx.ReadTimeout("The read operation timed out", request=request) from None
    except Dropped:
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request) from None
    return httpx.Response(
        status,
        headers=[(name.encode("latin-1"), value.encode("latin-1")) for name, value in response_headers],
        stream=httpx.ByteStream(content),
        request=request,
        extensions={"http_version": b"HTTP/1.1", "reason_phrase": reason.encode("latin-1")},
    )


async def answer_in_process_async(call: WSGICall, request: httpx.Request) -> httpx.Response:
    import anyio

    body = await request.aread()
    return await anyio.to_thread.run_sync(answer_in_process, call, request, body)


def refused(request: httpx.Request) -> httpx.Response | None:
    """A 404 in the API's envelope for a path the real host's API lacks, or None."""
    found = foreign_path(api_for_host(request.url.host), request.url.path)
    return httpx.Response(found[0], json=found[1], request=request) if found else None


def forwarded(request: httpx.Request, target: httpx.URL, body: bytes) -> httpx.Request:
    """``request`` for the same path on an external mock at ``target``; the
    extensions carry the client's timeouts."""
    url = request.url.copy_with(scheme=target.scheme, host=target.host, port=target.port)
    headers = [(k, v) for k, v in request.headers.raw if k.lower() != b"host"]
    return httpx.Request(request.method, url, headers=headers, content=body, extensions=request.extensions)


def answered_for(request: httpx.Request, response: httpx.Response) -> httpx.Response:
    """The external mock's answer, as an answer to the caller's own request."""
    return httpx.Response(response.status_code, headers=response.headers, stream=response.stream,
                          request=request, extensions=response.extensions)
