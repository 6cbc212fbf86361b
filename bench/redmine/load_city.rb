# A city for Redmine 5, shaped as `tracker demo generate --units N` shapes the tracker's: N
# projects (wards), each with 20 members, 3 versions (plans of 22, 23 and 30 issues), 75 issues
# assigned to the members, due dates spread over 2024, a third closed. For bench/pages.py
# --redmine (bench/README.md):
#   UNITS=140 RAILS_ENV=production bundle exec rails runner load_city.rb
# in Redmine's folder. It goes on from the projects already there, one transaction a project.
units = (ENV["UNITS"] || "140").to_i
Setting.rest_api_enabled = "1"
Setting.login_required = "1"
Setting.default_language = "vi"
tracker = Tracker.first || raise("load the default configuration first")
status_new = IssueStatus.find_by(is_closed: false)
status_closed = IssueStatus.find_by(is_closed: true)
priority = IssuePriority.default || IssuePriority.first
role = Role.givable.find_by(name: "Developer") || Role.givable.first
password = "bench-redmine-2024"
t0 = Time.now
STDOUT.sync = true
(Project.count + 1..units).each do |u|
  ActiveRecord::Base.transaction do
    project = Project.new(name: "Phường #{u}", identifier: "phuong-#{u}", is_public: false)
    project.enabled_module_names = %w[issue_tracking time_tracking wiki]
    project.trackers = [tracker]
    project.save!
    users = (1..20).map do |k|
      user = User.new(firstname: "Cán bộ #{k}", lastname: "P#{u}", mail: "u#{u}-#{k}@bench.example", language: "vi")
      user.login = "u#{u}-#{k}"; user.password = password; user.password_confirmation = password
      user.save!
      Member.create!(project: project, principal: user, role_ids: [role.id])
      user
    end
    versions = [22, 23, 30].each_with_index.map do |n, i|
      [Version.create!(project: project, name: "Kế hoạch #{i + 1}/2024", effective_date: Date.new(2024, 12, 31)), n]
    end
    k = 0
    versions.each do |version, n|
      n.times do
        k += 1
        issue = Issue.new(project: project, tracker: tracker, author: users[0], priority: priority,
                          subject: "Nhiệm vụ #{k} của phường #{u}: triển khai cải cách hành chính",
                          description: "Sản phẩm: báo cáo kết quả nhiệm vụ #{k}.",
                          status: (k % 3 == 0 ? status_closed : status_new),
                          assigned_to: users[k % 20], fixed_version: version,
                          start_date: Date.new(2024, 1, 1), due_date: Date.new(2024, 1 + k % 12, 1 + k % 28))
        issue.save!
      end
    end
  end
  puts "#{u} wards, #{(Time.now - t0).round} s" if u % 10 == 0
end
puts "projects #{Project.count}, users #{User.count}, issues #{Issue.count}, versions #{Version.count}"
