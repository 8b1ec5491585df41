"""The session description /web/session/authenticate and /web/session/get_session_info answer.

Values a client can act on come from the database (user, partner, company, currencies); the
web-client settings around them are the ones a fresh Odoo 18 database reports.
"""

from __future__ import annotations

import hashlib
from typing import Any

from emulators.odoo.orm import Env
from emulators.odoo.rpc import VERSION_INFO

_VIEW_INFO = {
    "list": {"display_name": "List", "icon": "oi oi-view-list", "multi_record": True},
    "form": {"display_name": "Form", "icon": "fa fa-address-card", "multi_record": False},
    "graph": {"display_name": "Graph", "icon": "fa fa-area-chart", "multi_record": True},
    "pivot": {"display_name": "Pivot", "icon": "oi oi-view-pivot", "multi_record": True},
    "calendar": {"display_name": "Calendar", "icon": "fa fa-calendar", "multi_record": True},
    "kanban": {"display_name": "Kanban", "icon": "oi oi-view-kanban", "multi_record": True},
    "search": {"display_name": "Search", "icon": "oi oi-search", "multi_record": True},
    "activity": {"display_name": "Activity", "icon": "fa fa-clock-o", "multi_record": True},
}
_ADMIN_UIDS = (1, 2)


def _user_settings(uid: int) -> dict[str, Any]:
    return {
        "id": uid - 1,
        "user_id": {"id": uid},
        "is_discuss_sidebar_category_channel_open": True,
        "is_discuss_sidebar_category_chat_open": True,
        "push_to_talk_key": False,
        "use_push_to_talk": False,
        "voice_active_duration": 200,
        "channel_notifications": False,
        "mute_until_dt": False,
        "volumes": [["ADD", []]],
    }


def session_info(env: Env, base_url: str) -> dict[str, Any]:
    user = env["res.users"].browse([env.uid])
    partner = user["partner_id"]
    company = user["company_id"]
    is_admin = env.uid in _ADMIN_UIDS
    user_context = {"lang": user["lang"] or "en_US", "tz": user["tz"] or False, "uid": env.uid}
    currencies = {
        str(currency.id): {
            "symbol": currency["symbol"],
            "position": currency["position"],
            "digits": [69, currency["decimal_places"]],
        }
        for currency in env["res.currency"].search([])
    }
    settings = _user_settings(env.uid)
    return {
        "uid": env.uid,
        "is_system": is_admin,
        "is_admin": is_admin,
        "is_public": False,
        "is_internal_user": True,
        "user_context": user_context,
        "db": env.tx.db,
        "user_settings": settings,
        "server_version": VERSION_INFO["server_version"],
        "server_version_info": VERSION_INFO["server_version_info"],
        "support_url": "https://www.odoo.com/buy",
        "name": user["name"],
        "username": user["login"],
        "partner_write_date": partner["write_date"][:19],
        "partner_display_name": partner.display_name(),
        "partner_id": partner.id,
        "web.base.url": base_url,
        "active_ids_limit": 20000,
        "profile_session": None,
        "profile_collectors": None,
        "profile_params": None,
        "max_file_upload_size": 134217728,
        "home_action_id": False,
        "cache_hashes": {
            "translations": hashlib.sha1(f"{env.tx.db}:{user_context['lang']}".encode()).hexdigest(),
            "load_menus": hashlib.sha256(f"{env.tx.db}:{env.uid}".encode()).hexdigest(),
        },
        "currencies": currencies,
        "bundle_params": {"lang": user_context["lang"]},
        "test_mode": False,
        "view_info": _VIEW_INFO,
        "user_companies": {
            "current_company": company.id,
            "allowed_companies": {
                str(company.id): {
                    "id": company.id,
                    "name": company["name"],
                    "sequence": company["sequence"],
                    "child_ids": company["child_ids"].ids,
                    "parent_id": company["parent_id"].id,
                }
            },
            "disallowed_ancestor_companies": {},
        },
        "show_effect": True,
        "display_switch_company_menu": False,
        "max_time_between_keys_in_ms": 150,
        "websocket_worker_version": "18.0-2",
        "tour_enabled": True,
        "current_tour": {
            "name": "sale_tour",
            "custom": False,
            "url": "/odoo",
            "steps": [],
            "rainbowManMessage": "<span><b>Congratulations</b>, your first quotation is sent!<br>"
            "Check your email to validate the quote.\n        </span>",
        },
        "storeData": _store_data(env, partner.id, settings),
        "odoobot_initialized": False,
        "iap_company_enrich": True,
        "can_insert_in_spreadsheet": False,
    }


def _store_data(env: Env, partner_id: int, settings: dict[str, Any]) -> dict[str, Any]:
    partners = env["res.partner"].with_context(active_test=False)
    odoobot, me = partners.browse([2]), partners.browse([partner_id])
    return {
        "Store": {
            "action_discuss_id": 126,
            "channel_types_with_seen_infos": ["chat", "group"],
            "hasGifPickerFeature": False,
            "hasLinkPreviewFeature": True,
            "hasMessageTranslationFeature": False,
            "internalUserGroupId": 1,
            "mt_comment_id": 1,
            "odoobot": {"id": odoobot.id, "type": "partner"},
            "self": {"id": partner_id, "type": "partner"},
            "settings": settings,
        },
        "res.partner": [
            {
                "active": odoobot["active"],
                "email": odoobot["email"],
                "id": odoobot.id,
                "im_status": "bot",
                "isInternalUser": True,
                "is_company": False,
                "name": odoobot["name"],
                "userId": 1,
                "write_date": odoobot["write_date"][:19],
            },
            {
                "active": me["active"],
                "id": partner_id,
                "isAdmin": env.uid in _ADMIN_UIDS,
                "isInternalUser": True,
                "name": me["name"],
                "notification_preference": "email",
                "userId": env.uid,
                "write_date": me["write_date"][:19],
            },
        ],
    }
