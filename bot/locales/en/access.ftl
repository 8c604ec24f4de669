## Roles and access: only administrators create invitation links, and roles come only through them

role-citizen = citizen
role-worker = grid worker
role-official = official
role-liaison = department liaison
role-deputy = deputy
role-admin = administrator

invite-welcome-liaison = ✅ Linked: you are registered as a liaison of “{ $name }”. Issues assigned to this department will be sent to you; reply to an issue card to answer the citizen.
invite-admins-only = Only administrators can manage roles and invitation links.
invite-usage =
    Usage: /invite ROLE TARGET [DAYS]
    ROLE: worker (TARGET a grid code), official (a grid code), liaison (a department code), deputy (a deputy code).
    DAYS 1–{ $max_days }, 7 by default. Example: /invite worker GC01
invite-unknown-target = No { $role } target “{ $target }” was found; please check the code.
invite-created =
    🔗 Invitation for { $role } · { $name }:
    <code>{ $link }</code>
    It works once, until { $expires }. Give it to that person only.

roles-none = Nobody holds a role through an invitation yet.
roles-title = 👥 { $count } roles granted:
roles-line = · { $role } { $scope } — { $name } ({ $user_id })
revoke-usage = Usage: /revoke USER_ID ROLE TARGET, e.g. /revoke 2002 worker GC01 (see /roles)
revoke-done = ✅ User { $user_id } no longer holds this role.
revoke-missing = User { $user_id } does not hold this role.

whoami-title = Your user id: <code>{ $user_id }</code>
whoami-line = · { $role } { $scope }
whoami-citizen = · citizen (report needs and follow your own issues)

help-admin =
    <b>Administrators</b>
    /invite ROLE TARGET — a one-time invitation link (grid workers, officials, department liaisons and deputies get their roles only by invitation)
    /roles — who holds which role · /revoke USER_ID ROLE TARGET — take a role back · /whoami — my roles
    In a work group: /bind GRID-CODE · /binddept DEPARTMENT-CODE · /unbind
