"""The foundation's figures: the home page and the identification photo grid."""


def run(h):
    app = h.app()
    with app.app_context():
        from kiosk import demo_data
        from kiosk.roster.models import Team
        demo_data.load(app, members=120)
        team = Team.listed().first()
    h.compare_http("home page", app, "/")
    h.compare_http("identification: team list", app, "/identify/")
    h.compare_http("identification: photo grid of one team", app, f"/identify/team/{team.id}")
