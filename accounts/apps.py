from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Staff sign-in beyond the password: two-factor sign-in with an authenticator app
    (django-otp) and one-time recovery codes. Built on registers; nothing imports it."""

    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts.conf import two_factor_required_roles
        from accounts.middleware import remember_step_at_sign_in

        two_factor_required_roles()  # refuse an unknown role at start-up, not at sign-in
        user_logged_in.connect(remember_step_at_sign_in, dispatch_uid="two_factor_step")
