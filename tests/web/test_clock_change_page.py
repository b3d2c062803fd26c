"""/my-pair names the real day the clocks change, in the reader's language."""

from matcher.extensions import db


def test_the_change_day_in_korean(client, auth, published):
    term, students, volunteers = published
    laura = volunteers[1]  # in Los Angeles; daylight saving starts on Sunday 8 March 2099
    laura.locale = "ko"
    db.session.commit()
    auth.login(laura)
    main = client.get("/my-pair").get_data(as_text=True).split("<main>")[1]
    assert "2099-03-07 (토요일)까지:" in main
    assert "로스앤젤레스의 시계가 바뀌는 2099-03-08 (일요일)부터:" in main
    assert "월 03:00–06:00" in main
