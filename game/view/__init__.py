"""The pygame front end: the window loop, the player's session, drawing, camera, input and panels."""
