"""The identification component as features use it."""
from .factories import make_member, prove


def test_identification_says_what_it_is_for_and_keeps_it_through_the_steps(client):
    member = make_member(name="王芳")
    page = client.get("/identify/?next=/mood/choose&purpose=mood").get_data(as_text=True)
    assert "登记今天的心情" in page
    team_page = client.get(f"/identify/team/{member.team_id}?next=/mood/choose&purpose=mood")
    assert "登记今天的心情" in team_page.get_data(as_text=True)
    assert 'name="purpose" value="mood"' in team_page.get_data(as_text=True)


def test_an_unknown_purpose_is_ignored(client):
    page = client.get("/identify/?purpose=<script>").get_data(as_text=True)
    assert "<script>" not in page


def test_identification_sends_the_worker_on_to_next(client):
    make_member(staff_no="4242")
    response = client.post("/identify/code", data={"code": "4242", "next": "/benefits/"})
    assert response.status_code == 303 and response.headers["Location"] == "/benefits/"


def test_identification_never_sends_anyone_off_site(client):
    make_member(staff_no="4243")
    response = client.post("/identify/code", data={"code": "4243", "next": "//evil.example/"})
    assert response.headers["Location"] == "/"


def test_htmx_identification_navigates_the_whole_page(client):
    make_member(staff_no="4244")
    response = client.post("/identify/code", data={"code": "4244", "next": "/benefits/"},
                           headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"] == "/benefits/"


def test_identification_expires(client, app):
    import time
    prove(client, make_member(staff_no="4245"))
    assert client.get("/identify/hello").status_code == 200
    with client.session_transaction() as session:
        session["member"] = dict(session["member"],
                                 at=time.time() - app.config["KIOSK_IDENTIFIED_SECONDS"] - 1)
    assert client.get("/identify/hello").status_code == 303


def test_a_team_photo_grid_is_in_pinyin_order(client):
    from .factories import make_team
    team = make_team()
    for name in ("张伟", "王芳", "陈静", "李强"):
        make_member(name=name, team=team)
    page = client.get(f"/identify/team/{team.id}").get_data(as_text=True)
    positions = [page.index(name) for name in ("陈静", "李强", "王芳", "张伟")]
    assert positions == sorted(positions)
