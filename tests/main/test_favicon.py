def test_the_icon_browsers_ask_for_is_served_without_login(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
    assert response.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    response.close()


def test_every_page_names_its_icon(client):
    assert 'rel="icon" href="/favicon.ico"' in client.get("/login").get_data(as_text=True)
