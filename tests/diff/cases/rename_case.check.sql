SELECT id, Email FROM People;
