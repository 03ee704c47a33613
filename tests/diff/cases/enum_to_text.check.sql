SELECT id, color, size FROM shirts;
