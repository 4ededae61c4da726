"""Guards on the Rasa internals the project relies on (README, "Rasa's internals"): each test fails when
a Rasa or rasa_sdk upgrade changes a patched or private symbol, naming it, before behaviour breaks
somewhere less obvious. The behaviour itself is tested elsewhere (speed-ups, stores, channels, faults)."""

from __future__ import annotations

import inspect

import pytest
import rasa.core.channels.channel
import rasa.core.run
import rasa.core.tracker_store
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel
from rasa.core.channels.rest import QueueOutputChannel
from rasa.core.channels.slack import SlackInput
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LockStore, RedisLockStore
from rasa.core.processor import MessageProcessor
from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore, TrackerStore
from rasa.shared.core.events import Event
from rasa.shared.exceptions import RasaException

from rasa_runtime import hooks
from rasa_runtime.tracker_store import RememberingSQLTrackerStore


def parameters(function) -> list[str]:
    return list(inspect.signature(function).parameters)


def test_remote_action_run_is_wrapped_with_its_signature():
    assert inspect.iscoroutinefunction(RemoteAction.run)
    assert parameters(RemoteAction.run) == ["self", "output_channel", "nlg", "tracker", "domain"]


def test_message_processor_save_tracker_takes_the_tracker():
    assert inspect.iscoroutinefunction(MessageProcessor.save_tracker)
    assert parameters(MessageProcessor.save_tracker) == ["self", "tracker"]


def test_serve_application_looks_configure_app_up_when_it_runs():
    # The hook replaces the module attribute; serve_application must read it at call time.
    assert "configure_app" in rasa.core.run.serve_application.__code__.co_names
    assert "create_http_input_channels" in rasa.core.run.serve_application.__code__.co_names


def test_fail_safe_tracker_store_keeps_the_wrapped_store():
    store = RememberingSQLTrackerStore(dialect="sqlite", db=":memory:")
    assert FailSafeTrackerStore(store)._tracker_store is store


def test_action_result_validation_is_a_method_over_a_static_schema():
    assert parameters(RemoteAction._validate_action_result) == ["self", "result"]
    assert isinstance(inspect.getattr_static(RemoteAction, "action_response_format_spec"), staticmethod)


def test_event_classes_are_resolved_by_a_static_lookup():
    assert isinstance(inspect.getattr_static(Event, "resolve_by_type"), staticmethod)
    assert parameters(Event.resolve_by_type) == ["type_name", "default"]


def test_sql_tracker_store_private_api():
    assert parameters(SQLTrackerStore._event_query) == [
        "self",
        "session",
        "sender_id",
        "fetch_events_from_all_sessions",
    ]
    assert parameters(SQLTrackerStore._additional_events) == ["self", "session", "tracker"]
    assert {"sender_id", "type_name", "timestamp", "intent_name", "action_name", "data"} <= set(
        SQLTrackerStore.SQLEvent.__table__.columns.keys()
    )
    for name in ("session_scope", "stream_events", "retrieve", "save"):
        assert callable(getattr(SQLTrackerStore, name)), name
    store = SQLTrackerStore(dialect="sqlite", db=":memory:")
    assert store.engine is not None and store.sessionmaker is not None


def test_custom_tracker_stores_get_the_endpoint_settings_as_keywords():
    source = inspect.getsource(rasa.core.tracker_store._load_from_module_name_in_endpoint_config)
    assert "**store.kwargs" in source  # how `require_guards: true` reaches the store
    assert issubclass(RememberingSQLTrackerStore, TrackerStore)


def test_a_rasa_server_without_the_hooks_refuses_the_tracker_store():
    assert not hooks.installed()  # the test process runs Rasa unpatched
    with pytest.raises(RasaException, match="rasa_runtime.rasa_server"):
        RememberingSQLTrackerStore(dialect="sqlite", db=":memory:", require_guards=True)


def test_redis_lock_store_private_api():
    for name in ("issue_ticket", "update_lock", "cleanup"):  # every write of a lock goes through these
        assert parameters(getattr(RedisLockStore, name)) == parameters(getattr(LockStore, name)), name
    assert {"host", "port", "db", "password", "key_prefix"} <= set(parameters(RedisLockStore.__init__))
    assert "self.red" in inspect.getsource(RedisLockStore.__init__)
    assert "self.key_prefix" in inspect.getsource(RedisLockStore._set_key_prefix)
    for name in (
        "from_dict",
        "dumps",
        "issue_ticket",
        "remove_expired_tickets",
        "remove_ticket_for",
        "is_someone_waiting",
        "last_issued",
    ):
        assert hasattr(TicketLock, name), name


def test_collecting_channels_private_api():
    assert parameters(CollectingOutputChannel._persist_message) == ["self", "message"]
    assert "recipient_id" in parameters(CollectingOutputChannel._message)
    assert "self.messages" in inspect.getsource(QueueOutputChannel.__init__)


def test_socketio_channel_private_api():
    assert parameters(SocketIOOutput._send_message) == ["self", "socket_id", "response"]
    blueprint = inspect.getsource(SocketIOInput.blueprint)
    assert '"session_request"' in blueprint and "self.sio" in blueprint  # the handler ours replaces


def test_slack_channel_private_api():
    assert parameters(SlackInput._sanitize_user_message) == ["text", "uids_to_remove"]
    assert parameters(SlackInput._get_conversation_id) == ["self", "sender_id", "channel_id", "thread_id"]
    assert parameters(SlackInput.is_request_from_slack_authentic) == ["self", "request"]
    for name in ("slack_token", "slack_channel", "proxy"):
        assert f"self.{name}" in inspect.getsource(SlackInput.__init__), name


def test_channel_url_prefixes_are_joined_to_the_webhooks_route():
    assert "urljoin(route, channel.url_prefix())" in inspect.getsource(rasa.core.channels.channel.register)
    assert InputChannel.url_prefix is not None
